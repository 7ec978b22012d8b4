// wharf.js: progressive enhancement only; every page works without it,
// and the Content-Security-Policy allows no inline script.
//
// Copy buttons: a <button data-copy="ID" hidden> beside a block of code is
// shown and copies the text of the element with that id. What it says once
// done (data-copied) is also announced through the #copy-status live region.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-HTTP intranet servers have no Clipboard API; the older
    // selection-based command still works there.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(area);
      if (ok) {
        resolve();
      } else {
        reject(new Error("copy failed"));
      }
    });
  }

  function enable(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) {
      return;
    }
    var label = button.textContent;
    var status = document.getElementById("copy-status");
    var timer = 0;
    button.addEventListener("click", function () {
      copyText(target.textContent).then(function () {
        var done = button.getAttribute("data-copied") || label;
        button.textContent = done;
        if (status) {
          status.textContent = "";
          status.textContent = done;
        }
        clearTimeout(timer);
        timer = setTimeout(function () {
          button.textContent = label;
        }, 2500);
      }, function () {
        // Nothing to undo; the text can still be selected by hand.
      });
    });
    button.hidden = false;
  }

  document.querySelectorAll("button[data-copy]").forEach(enable);
})();
