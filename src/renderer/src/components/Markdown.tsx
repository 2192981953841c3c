import ReactMarkdown from 'react-markdown';

/**
 * Replies render as Markdown without raw HTML (react-markdown never injects
 * it), and links open outside the app: the shell only lets http(s) through.
 */
export function Markdown(props: { text: string }): React.JSX.Element {
  return (
    <div className="markdown">
      <ReactMarkdown
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noreferrer noopener">
              {children}
            </a>
          ),
        }}
      >
        {props.text}
      </ReactMarkdown>
    </div>
  );
}
