// Loaded as a classic script at the top of <body>, before any content renders.
// It replaces GOV.UK Frontend's usual inline snippet, which our Content-Security-Policy
// (script-src 'self') forbids: `js-enabled` switches on the JavaScript-dependent styles and
// `govuk-frontend-supported` tells GOV.UK Frontend that the browser can run its ES modules.
// The components themselves are started by init.mjs.
(function () {
  var body = document.body;
  body.className += " js-enabled" +
    ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
})();
