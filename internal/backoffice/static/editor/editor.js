// Mallang's rich-text editor: upgrades every <textarea data-editor="rich">
// of a back-office page into a Quill editor (vendored beside this file).
// Without JavaScript, or before Quill loads, the textarea works as it is.
// The editor writes its HTML back into the textarea on every change and on
// submit, so the form posts the same field either way; the server cleans it
// (richtext.Sanitize). Its image button uploads the chosen file to the back
// office's media endpoint (body data-media-url) and inserts the URL it
// answers. No inline scripts or styles: the page's CSP stays strict.
(function () {
  "use strict";
  var areas = document.querySelectorAll('textarea[data-editor="rich"]');
  if (!areas.length || !window.fetch || !window.FormData) {
    return;
  }
  var me = document.currentScript;
  var base = me.src.replace(/editor\.js(\?.*)?$/, "");
  var cfg = document.body.dataset;

  function css(href) {
    var l = document.createElement("link");
    l.rel = "stylesheet";
    l.href = base + href;
    document.head.appendChild(l);
  }
  css("quill.snow.css");
  css("editor.css");
  var s = document.createElement("script");
  s.src = base + "quill.js";
  s.onload = function () {
    for (var i = 0; i < areas.length; i++) {
      upgrade(areas[i]);
    }
  };
  document.head.appendChild(s);

  function upgrade(ta) {
    var wrap = document.createElement("div");
    wrap.className = "rich-editor";
    var holder = document.createElement("div");
    var status = document.createElement("p");
    status.className = "rich-editor-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(holder);
    wrap.appendChild(status);
    ta.parentNode.insertBefore(wrap, ta.nextSibling);
    var q = new window.Quill(holder, {
      theme: "snow",
      modules: {
        toolbar: {
          container: [
            [{ header: [2, 3, false] }],
            ["bold", "italic", "underline", "strike"],
            ["link", "blockquote"],
            [{ list: "ordered" }, { list: "bullet" }],
            ["image"],
            ["clean"]
          ],
          handlers: { image: function () { pick(q, status); } }
        }
      }
    });
    name(q.getModule("toolbar").container);
    q.setContents(q.clipboard.convert({ html: ta.value }), "silent");
    var label = ta.id && document.querySelector('label[for="' + ta.id + '"]');
    if (label) {
      q.root.setAttribute("aria-label", label.textContent);
      label.addEventListener("click", function () { q.focus(); });
    }
    ta.hidden = true;
    ta.setAttribute("data-editor-ready", "");
    // getSemanticHTML writes every space as &nbsp; (Quill 2.0.3), which
    // would stop the storefront from wrapping lines: plain spaces instead.
    var sync = function () {
      ta.value = q.getLength() > 1 ? q.getSemanticHTML().replace(/&nbsp;/g, " ") : "";
    };
    q.on("text-change", sync);
    if (ta.form) {
      ta.form.addEventListener("submit", sync);
    }
  }

  // name gives the toolbar's buttons the page's words: Quill labels them
  // with its format names ("bold", "list: ordered"), which body
  // data-editor-labels maps to the language of the page.
  function name(toolbar) {
    var labels = {};
    try {
      labels = JSON.parse(cfg.editorLabels || "{}");
    } catch (e) {
      return;
    }
    var buttons = toolbar.querySelectorAll("button[aria-label]");
    for (var i = 0; i < buttons.length; i++) {
      var l = labels[buttons[i].getAttribute("aria-label")];
      if (l) {
        buttons[i].setAttribute("aria-label", l);
        buttons[i].title = l;
      }
    }
  }

  function pick(q, status) {
    var input = document.createElement("input");
    input.type = "file";
    input.accept = "image/jpeg,image/png,image/webp,image/gif";
    input.addEventListener("change", function () {
      if (input.files && input.files[0]) {
        upload(q, status, input.files[0]);
      }
    });
    input.click();
  }

  function upload(q, status, file) {
    var range = q.getSelection(true);
    var body = new FormData();
    body.append("image", file);
    status.textContent = cfg.editorUploading || "";
    fetch(cfg.mediaUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (res) {
      return res.json().catch(function () { return {}; });
    }).then(function (v) {
      if (!v.url) {
        status.textContent = v.error || cfg.editorFailed || "";
        return;
      }
      q.insertEmbed(range ? range.index : q.getLength(), "image", v.url, "user");
      status.textContent = "";
    }, function () {
      status.textContent = cfg.editorFailed || "";
    });
  }
})();
