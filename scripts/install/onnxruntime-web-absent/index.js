// Locus runs transformers.js in Node only; see scripts/install/README.md.
throw new Error(
  'onnxruntime-web is not installed with Locus (Node uses onnxruntime-node). See scripts/install/README.md to restore it.',
);
