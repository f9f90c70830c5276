/*
 * eBOK's own script: small enhancements on top of pages that work without it.
 *
 * - Display preferences: the server answers an htmx click on a contrast or text-size
 *   link with 204 and an "ebok-prefs" event (HX-Trigger); the classes on <html> and the
 *   controls' aria-current change at once, without reloading the page.
 * - After a boosted navigation the new page's classes (data-html-classes) are applied
 *   to <html>, which htmx does not swap.
 * - Focus after an htmx swap: the error summary when there is one, else <main>, so a
 *   screen reader starts reading the new content instead of staying on a stale link.
 * - The error summary's links move focus to the field itself, as GOV.UK Frontend does.
 * - "Kopiuj" buttons beside account numbers and transfer titles.
 * - Every htmx request carries the page's CSRF token in X-CSRF-Token (htmx only talks
 *   to this site: selfRequestsOnly), from <meta name="csrf-token">, which is kept up
 *   to date after a boosted navigation (htmx swaps <body>, not <head>).
 *
 * No inline code anywhere: the Content-Security-Policy forbids it.
 */
(function () {
  "use strict";

  var PREFIXES = ["contrast-", "font-"];

  function applyClasses(classes) {
    var root = document.documentElement;
    var kept = root.className.split(/\s+/).filter(function (name) {
      return name && !PREFIXES.some(function (prefix) { return name.indexOf(prefix) === 0; });
    });
    root.className = kept.concat(classes.split(/\s+/).filter(Boolean)).join(" ");
  }

  function markCurrent(kind, value) {
    var links = document.querySelectorAll('a[data-pref="' + kind + '"]');
    Array.prototype.forEach.call(links, function (link) {
      if (link.getAttribute("data-value") === value) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }

  document.addEventListener("ebok-prefs", function (event) {
    var detail = event.detail || {};
    if (typeof detail.classes !== "string") { return; }
    applyClasses(detail.classes);
    markCurrent("contrast", detail.contrast);
    markCurrent("font", detail.font);
    var holder = document.querySelector("[data-html-classes]");
    if (holder) { holder.setAttribute("data-html-classes", detail.classes); }
  });

  function focusAfterSwap(target) {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
      return;
    }
    // Only a whole-page (boosted) swap moves focus to <main>; a partial update keeps
    // the person where they are.
    if (target === document.body) {
      var main = document.getElementById("tresc");
      if (main) { main.focus({ preventScroll: true }); }
    }
  }

  function csrfMeta() {
    return document.querySelector('meta[name="csrf-token"]');
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var meta = csrfMeta();
    var token = meta && meta.getAttribute("content");
    if (token) { event.detail.headers["X-CSRF-Token"] = token; }
  });

  function refreshCsrfToken() {
    var holder = document.querySelector("[data-csrf-token]");
    var meta = csrfMeta();
    var token = holder && holder.getAttribute("data-csrf-token");
    if (meta && token) { meta.setAttribute("content", token); }
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var holder = document.querySelector("[data-html-classes]");
    if (holder) { applyClasses(holder.getAttribute("data-html-classes") || ""); }
    refreshCsrfToken();
    focusAfterSwap(event.detail && event.detail.target);
    addCopyButtons(event.detail && event.detail.target);
  });

  // Error summary link -> focus the field (the browser would only scroll to it).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
    (legend || label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });

  function addCopyButtons(root) {
    if (!navigator.clipboard || !window.isSecureContext) { return; }
    var values = (root || document).querySelectorAll("[data-copy]:not([data-copy-ready])");
    Array.prototype.forEach.call(values, function (value) {
      value.setAttribute("data-copy-ready", "");
      var label = value.parentNode.querySelector(".copyable__label");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary button--small copyable__button";
      // The words come from the template, so they are translated with the page.
      button.textContent = value.getAttribute("data-copy-button") || "Kopiuj";
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = label ? " " + label.textContent : "";
      button.appendChild(hidden);
      var status = document.createElement("span");
      status.className = "copyable__status";
      status.setAttribute("role", "status");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(value.textContent.trim()).then(
          function () { status.textContent = value.getAttribute("data-copy-done") || ""; },
          function () { status.textContent = value.getAttribute("data-copy-failed") || ""; }
        );
      });
      value.parentNode.appendChild(button);
      value.parentNode.appendChild(status);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { addCopyButtons(document); });
  } else {
    addCopyButtons(document);
  }
})();

/* Password fields with a strength line (data-password-strength="<input id>"): the
   length as one types it, against the policy's 12 to 128 characters. The server
   decides; this only saves a round trip for the commonest refusal. */
(function () {
  "use strict";
  function attach(root) {
    root.querySelectorAll("[data-password-strength]").forEach(function (line) {
      var input = document.getElementById(line.getAttribute("data-password-strength"));
      if (!input || input.dataset.strengthBound) { return; }
      input.dataset.strengthBound = "1";
      input.addEventListener("input", function () {
        var length = Array.from(input.value.normalize("NFC")).length;
        if (length === 0) { line.textContent = ""; }
        else if (length < 12) { line.textContent = "Długość: " + length + " z co najmniej 12 znaków."; }
        else if (length > 128) { line.textContent = "Za długie: " + length + " znaków, najwyżej 128."; }
        else if (length < 20) { line.textContent = "Długość: " + length + " znaków. Dłuższe hasło będzie trudniejsze do odgadnięcia."; }
        else { line.textContent = "Długość: " + length + " znaków. Długie hasło jest najsilniejsze."; }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { attach(document); });
  } else {
    attach(document);
  }
  document.addEventListener("htmx:afterSwap", function (event) { attach(event.target); });
})();
