import { useState } from 'react';
import { Highlight } from './Highlight';

/**
 * A search result's text: the part that matched (its snippet) when the text
 * is long, with a button to show it whole; short texts are shown as they are.
 */
export function MatchedText(props: {
  text: string;
  snippet: string;
  /** The search's words, marked in what is shown. */
  query?: string;
  className?: string;
}): React.JSX.Element {
  const [whole, setWhole] = useState(false);
  const trimmed = props.snippet !== props.text.trim();
  return (
    <span className={props.className}>
      <Highlight text={whole || !trimmed ? props.text : props.snippet} query={props.query ?? ''} />
      {trimmed && (
        <>
          {' '}
          <button
            type="button"
            className="quiet"
            aria-expanded={whole}
            onClick={() => setWhole((w) => !w)}
          >
            {whole ? 'Show the match' : 'Show all'}
          </button>
        </>
      )}
    </span>
  );
}
