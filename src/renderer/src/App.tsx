export function App(): React.JSX.Element {
  return (
    <main>
      <h1>Locus</h1>
      <p>Your private assistant is starting.</p>
    </main>
  );
}
