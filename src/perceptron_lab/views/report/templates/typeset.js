// Typeset each formula of the page with KaTeX (inlined above): a .math element's data-tex
// replaces its Unicode text; a <div> is a displayed line. A formula KaTeX cannot read
// keeps its text, marked .katex-error, and the rest of the page goes on.
document.querySelectorAll(".math[data-tex]").forEach(function (node) {
  katex.render(node.getAttribute("data-tex"), node, {
    displayMode: node.tagName === "DIV",
    throwOnError: false,
  });
});
