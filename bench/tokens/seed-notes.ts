/**
 * Notes the tokens suite stores before its conversation, and the topic each
 * turn asks about, so that surfacing has something relevant to give every
 * turn (a conversation about nothing stored surfaces nothing, and its cost
 * per turn cannot be measured).
 */
export const SEED_NOTES: ReadonlyArray<{ topic: string; text: string }> = [
  { topic: 'the boat', text: 'The boat is called Petrel and is moored at the north quay.' },
  { topic: 'the dentist', text: 'Dentist appointment moved to the second Tuesday of March.' },
  { topic: 'my sister', text: 'My sister Mara lives in Porto and teaches chemistry.' },
  { topic: 'the garden', text: 'Planted tomatoes and basil along the south fence of the garden.' },
  { topic: 'the violin', text: 'Lena practises the violin on Thursday evenings before supper.' },
  { topic: 'the boiler', text: 'The boiler was serviced in October; the engineer is called Ravi.' },
  { topic: 'the book club', text: 'The book club reads Middlemarch next, meeting at Jo’s flat.' },
  { topic: 'my bike', text: 'My bike needs a new rear tyre, size 700x28.' },
  { topic: 'the allergy', text: 'I am allergic to penicillin; amoxicillin gave me hives once.' },
  { topic: 'the marathon', text: 'Training for the Lisbon marathon: long runs on Sundays.' },
  {
    topic: 'the passport',
    text: 'My passport expires in June; renewal form is in the desk drawer.',
  },
  { topic: 'the cat', text: 'Our cat Biscuit eats the salmon kibble, never the chicken one.' },
];

/** The user's message for a turn: it asks about one note, in rotation. */
export function seededTurnMessage(turn: number): string {
  const note = SEED_NOTES[(turn - 1) % SEED_NOTES.length] as (typeof SEED_NOTES)[number];
  return `What did I tell you about ${note.topic}?`;
}
