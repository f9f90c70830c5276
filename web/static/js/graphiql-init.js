/*
 * Starts GraphiQL on the page /graphql serves to a browser outside production.
 *
 * React, ReactDOM and GraphiQL come from /static/vendor/graphiql/ (loaded before this
 * script, all deferred). Every request GraphiQL sends carries the page's CSRF token
 * in X-CSRF-Token: /graphql refuses a request that a session cookie authenticates
 * without it.
 */
(function () {
  "use strict";

  function start() {
    var root = document.getElementById("graphiql");
    var meta = document.querySelector('meta[name="csrf-token"]');
    var headers = {};
    if (meta && meta.getAttribute("content")) {
      headers["X-CSRF-Token"] = meta.getAttribute("content");
    }
    var fetcher = window.GraphiQL.createFetcher({
      url: root.getAttribute("data-endpoint"),
      headers: headers,
    });
    var element = window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
    });
    window.ReactDOM.createRoot(root).render(element);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
