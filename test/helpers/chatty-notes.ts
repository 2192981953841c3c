/**
 * A personal assistant's everyday notes, on subjects any casual question
 * touches: a memory whose baseline (surfacing/memory-baseline.ts) is well
 * above nothing, as a long chat history's is.
 */
export const CHATTY_NOTES = [
  'The weather in Porto was sunny last week.',
  'I renewed my library card before the trip.',
  'The pharmacy near work closes early on Saturdays.',
  'We painted the fence green in the garden.',
  'My brother plays football every Thursday.',
  'I am reading a book about the history of Rome.',
  'Bought tomatoes at the market for the sauce.',
  'I reset my laptop and lost the photos.',
  'The train to the office was late again this morning.',
  'The dog chewed my running shoes.',
  'Saving money for a holiday in the mountains.',
  'The meeting with the bank is on Friday.',
  'Breakfast before a long run: oats and a banana.',
  'Planning a party for my birthday in June.',
  'Watched a film about the ocean with the kids.',
  'My grandmother grew up in a village with a tiny museum.',
  'Got concert tickets for the jazz band in May.',
  'Dentist appointment moved to next week.',
  'Hiking in the mountains was hard on my knees.',
  'Send the report to Anna by Friday.',
  'Coffee in the morning, tea in the afternoon.',
  'The new exhibition at the museum opens Thursday.',
  'Renting a flat in the city is expensive.',
  'The kitchen tap is leaking again.',
  'My phone screen cracked on the train.',
  'The kitten from the shelter sleeps all day.',
  'That seafood restaurant by the harbour was excellent.',
];
