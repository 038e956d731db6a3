// Starts GOV.UK Frontend's components. Loaded as a module, so browsers too old for
// GOV.UK Frontend's JavaScript skip it and keep the plain HTML behaviour.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();

// Content swapped in by htmx arrives after initAll ran, so start its components too.
document.body.addEventListener("htmx:afterSwap", (event) => {
  initAll({ scope: event.detail.elt });
});
