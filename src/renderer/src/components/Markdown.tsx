import { useRef, type ReactNode } from 'react';
import ReactMarkdown from 'react-markdown';
import { CopyButton } from './CopyButton';

/** A fenced code block: its language named, monospace, scrollable, with a copy button. */
function CodeBlock(props: { children?: ReactNode }): React.JSX.Element {
  const pre = useRef<HTMLPreElement>(null);
  const child = Array.isArray(props.children) ? props.children[0] : props.children;
  const className =
    child && typeof child === 'object' && 'props' in child
      ? String((child.props as { className?: string }).className ?? '')
      : '';
  const language = /language-([\w+-]+)/.exec(className)?.[1] ?? null;
  return (
    <div className="code-block">
      <div className="code-head">
        <span className="muted">{language ?? 'code'}</span>
        <CopyButton
          label={`Copy ${language ?? ''} code`.replace('  ', ' ')}
          text={() => pre.current?.textContent ?? ''}
        />
      </div>
      <pre ref={pre} tabIndex={0}>
        {props.children}
      </pre>
    </div>
  );
}

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
          pre: ({ children }) => <CodeBlock>{children}</CodeBlock>,
        }}
      >
        {props.text}
      </ReactMarkdown>
    </div>
  );
}
