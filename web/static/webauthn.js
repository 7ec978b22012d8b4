// webauthn.js: the security-key buttons of the login and account pages.
// The Content-Security-Policy allows no inline script, so the page
// describes each button with data attributes and this file does the rest:
//
//   data-webauthn="login" or "register"   which ceremony
//   data-options, data-validate           the two JSON endpoints
//   data-next, data-remember              login: where to go, and the id of
//                                         the "remember this device" box
//   data-label, data-done                 register: the id of the label
//                                         field, and the page to go to
//   data-failed, data-label-missing       messages, already translated
//
// The server sends options with binary fields in base64url; they become
// ArrayBuffers for navigator.credentials, and the answer goes back with
// its binary fields in base64url again.
(function () {
  "use strict";

  function fromB64url(s) {
    var b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) {
      b64 += "=";
    }
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      out[i] = bin.charCodeAt(i);
    }
    return out.buffer;
  }

  function toB64url(buf) {
    var bytes = new Uint8Array(buf);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) {
      bin += String.fromCharCode(bytes[i]);
    }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // decodeOptions turns the server's options into what the browser takes.
  function decodeOptions(json) {
    var pk = json.publicKey || json;
    pk.challenge = fromB64url(pk.challenge);
    if (pk.user && typeof pk.user.id === "string") {
      pk.user.id = fromB64url(pk.user.id);
    }
    ["allowCredentials", "excludeCredentials"].forEach(function (k) {
      (pk[k] || []).forEach(function (c) {
        c.id = fromB64url(c.id);
      });
    });
    return pk;
  }

  // encodeCredential turns the browser's answer into JSON for the server.
  function encodeCredential(cred) {
    var r = cred.response;
    var out = {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64url(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = toB64url(r.attestationObject);
      if (r.getTransports) {
        out.response.transports = r.getTransports();
      }
    } else {
      out.response.authenticatorData = toB64url(r.authenticatorData);
      out.response.signature = toB64url(r.signature);
      if (r.userHandle) {
        out.response.userHandle = toB64url(r.userHandle);
      }
    }
    if (cred.authenticatorAttachment) {
      out.authenticatorAttachment = cred.authenticatorAttachment;
    }
    return out;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: body === undefined ? "{}" : JSON.stringify(body)
    }).then(function (resp) {
      if (!resp.ok) {
        throw new Error("HTTP " + resp.status);
      }
      return resp.json();
    });
  }

  function withQuery(url, params) {
    var q = Object.keys(params).filter(function (k) {
      return params[k];
    }).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
    return q ? url + (url.indexOf("?") < 0 ? "?" : "&") + q : url;
  }

  function enable(button) {
    var status = button.parentNode.querySelector(".webauthn-status");
    var say = function (text) {
      if (status) {
        status.textContent = text;
      }
    };
    var kind = button.getAttribute("data-webauthn");
    button.addEventListener("click", function () {
      var params = {};
      if (kind === "register") {
        var field = document.getElementById(button.getAttribute("data-label"));
        var label = field ? field.value.trim() : "";
        if (!label) {
          say(button.getAttribute("data-label-missing"));
          if (field) {
            field.setAttribute("aria-invalid", "true");
            field.focus();
          }
          return;
        }
        params.label = label;
      } else {
        var box = document.getElementById(button.getAttribute("data-remember") || "");
        params.next = button.getAttribute("data-next");
        params.remember = box && box.checked ? "1" : "";
      }
      button.disabled = true;
      say("");
      post(button.getAttribute("data-options")).then(function (json) {
        var pk = decodeOptions(json);
        return kind === "register" ?
          navigator.credentials.create({ publicKey: pk }) :
          navigator.credentials.get({ publicKey: pk });
      }).then(function (cred) {
        return post(withQuery(button.getAttribute("data-validate"), params), encodeCredential(cred));
      }).then(function (json) {
        window.location.assign(json.redirect || button.getAttribute("data-done") || "/");
      }).catch(function () {
        button.disabled = false;
        say(button.getAttribute("data-failed"));
      });
    });
    button.hidden = false;
  }

  if (window.PublicKeyCredential && window.fetch) {
    document.querySelectorAll("button[data-webauthn]").forEach(enable);
  }
})();
