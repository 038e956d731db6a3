// Warns a signed-in user before the session runs out for want of use (ADR 0011).
// The page carries the settings on #app-session-timeout; no inline script (strict CSP).
// It never navigates away on its own: whatever is typed on the page stays there, and if the
// session has ended the server keeps a submitted form until the same person signs in again.

const root = document.getElementById("app-session-timeout");

if (root) {
  const warnSeconds = Number(root.dataset.warningSeconds);
  const statusUrl = root.dataset.statusUrl;
  const csrfToken = root.dataset.csrfToken;
  let timer = null;
  let dialog = null;
  let returnFocus = null;

  const minutesText = (seconds) => {
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  };

  const element = (tag, attributes = {}, text = "") => {
    const node = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
    if (text) node.textContent = text;
    return node;
  };

  const build = () => {
    dialog = element("dialog", {
      class: "app-timeout-dialog",
      role: "alertdialog",
      "aria-modal": "true",
      "aria-labelledby": "app-timeout-title",
      "aria-describedby": "app-timeout-text",
    });
    const title = element("h2", { class: "govuk-heading-m", id: "app-timeout-title", tabindex: "-1" });
    const text = element("p", { class: "govuk-body", id: "app-timeout-text" });
    const buttons = element("div", { class: "govuk-button-group" });
    const stay = element("button", { type: "button", class: "govuk-button", "data-module": "govuk-button" }, "Stay signed in");
    const signOut = element("form", { method: "post", action: root.dataset.signOutUrl });
    const token = element("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrfToken });
    const signOutButton = element("button", { type: "submit", class: "govuk-button govuk-button--secondary" }, "Sign out");
    const close = element("button", { type: "button", class: "govuk-button", hidden: "" }, "Close");
    signOut.append(token, signOutButton);
    buttons.append(stay, signOut, close);
    dialog.append(title, text, buttons);
    document.body.append(dialog);
    stay.addEventListener("click", staySignedIn);
    close.addEventListener("click", hide);
    // Escape means "stay signed in" (GOV.UK timeout warning pattern), once still signed in.
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      if (close.hidden) staySignedIn();
      else hide();
    });
    dialog.parts = { title, text, stay, signOut, close };
  };

  // Focus moves into the dialog when it opens, or when its message changes to "signed out";
  // the minute-by-minute update of the time left leaves focus where the user put it.
  const show = (refocus = false) => {
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
      refocus = true;
    }
    if (refocus) dialog.parts.title.focus();
  };

  const hide = () => {
    if (dialog && dialog.open) dialog.close();
    if (returnFocus && returnFocus.focus) returnFocus.focus();
  };

  const warn = (remaining) => {
    if (!dialog) build();
    dialog.parts.title.textContent = "You will be signed out soon";
    dialog.parts.text.textContent =
      `You have not used the service for a while. To keep children's information safe, you ` +
      `will be signed out in ${minutesText(remaining)}. Anything you have not saved will be kept.`;
    show();
    schedule(remaining, 0);
  };

  const expired = () => {
    if (!dialog) build();
    const { title, text, stay, signOut, close } = dialog.parts;
    title.textContent = "You have been signed out";
    text.textContent =
      "You were signed out because you had not used the service for a while. If you were " +
      "part way through a form, send it: you will be asked to sign in again, and then you " +
      "can save what you typed.";
    stay.hidden = true;
    signOut.hidden = true;
    close.hidden = false;
    show(true);
  };

  const check = async () => {
    let state;
    try {
      const response = await fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      state = await response.json();
    } catch (error) {
      schedule(warnSeconds + 30);  // the network is down: look again shortly
      return;
    }
    if (!state.signed_in) expired();
    else if (state.remaining > warnSeconds + 1) {
      hide();  // used in another tab meanwhile
      schedule(state.remaining);
    } else warn(state.remaining);
  };

  // Look again when `remaining - lead` seconds have passed.
  function schedule(remaining, lead = warnSeconds) {
    window.clearTimeout(timer);
    const wait = lead === 0 ? Math.min(remaining, 60) : remaining - lead;
    timer = window.setTimeout(check, Math.max(1, wait) * 1000);
  }

  async function staySignedIn() {
    try {
      const response = await fetch(statusUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
      });
      const state = await response.json();
      if (!state.signed_in) return expired();
      hide();
      schedule(state.remaining);
    } catch (error) {
      schedule(warnSeconds + 30);
    }
  }

  schedule(Number(root.dataset.idleSeconds));
}
