// ES-module face of the classic mermaid.min.js (loaded earlier on the page by
// book/_ext/backprop_book.py); sphinxcontrib-mermaid imports this file.
export default globalThis.mermaid;
