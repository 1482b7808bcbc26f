// Security keys and passkeys (WebAuthn) on the desk's sign-in pages.
//
// A form marked data-passkey="register" (adding a key) or data-passkey="login" (the second
// step of signing in) asks the server for options (data-options-url, JSON), lets the browser
// talk to the key, puts the browser's answer in the form's hidden "credential" field and
// submits the form; the server checks the answer. Served from our own static files (the CSP
// allows no inline script).
(function () {
  "use strict";

  function fromBase64url(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "===".slice((base64.length + 3) % 4);
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: fromBase64url(item.id) });
    });
  }

  function creationOptions(options) {
    return Object.assign({}, options, {
      challenge: fromBase64url(options.challenge),
      user: Object.assign({}, options.user, { id: fromBase64url(options.user.id) }),
      excludeCredentials: descriptors(options.excludeCredentials),
    });
  }

  function requestOptions(options) {
    return Object.assign({}, options, {
      challenge: fromBase64url(options.challenge),
      allowCredentials: descriptors(options.allowCredentials),
    });
  }

  // What the server's WebAuthn library reads: the credential with its binary parts in base64url.
  function credentialJSON(credential, response) {
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: Object.assign({ clientDataJSON: toBase64url(credential.response.clientDataJSON) }, response),
    };
  }

  function registrationJSON(credential) {
    const response = credential.response;
    return credentialJSON(credential, {
      attestationObject: toBase64url(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : [],
    });
  }

  function authenticationJSON(credential) {
    const response = credential.response;
    return credentialJSON(credential, {
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
    });
  }

  function explain(error) {
    if (error && error.name === "NotAllowedError") {
      return "The key was not used: the request was cancelled or timed out. Press the button to try again.";
    }
    if (error && error.name === "InvalidStateError") {
      return "This key is already added to your login.";
    }
    if (error && error.name === "SecurityError") {
      return "Your browser refused to use a key at this address. Open the desk by its name, not an IP address.";
    }
    return (error && error.userMessage) || "Your browser could not use the key. Try again, or use a code.";
  }

  function setup(form) {
    const mode = form.dataset.passkey;
    const status = form.querySelector("[data-passkey-status]");
    const button = form.querySelector("button[type=submit]");
    const field = form.querySelector("input[name=credential]");
    const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

    function say(text) {
      status.textContent = text;
      status.hidden = !text;
    }

    if (!window.PublicKeyCredential || !navigator.credentials) {
      say("This browser cannot use security keys or passkeys.");
      button.disabled = true;
      return;
    }

    form.addEventListener("submit", async function (event) {
      if (field.value) return; // the browser's answer is in: let the form go to the server
      event.preventDefault();
      if (mode === "register") {
        const name = form.querySelector("input[name=name]");
        if (!name.value.trim()) {
          form.submit(); // the server explains that the key needs a name
          return;
        }
      }
      button.disabled = true;
      say(mode === "register"
        ? "Touch your security key or confirm on your device."
        : "Touch your security key or confirm on your device to sign in.");
      try {
        const answer = await fetch(form.dataset.optionsUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": token, Accept: "application/json" },
        });
        const options = await answer.json();
        if (!answer.ok) {
          if (options.reauth) {
            window.location.assign(options.reauth);
            return;
          }
          throw { userMessage: options.error };
        }
        let credential;
        if (mode === "register") {
          credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
          field.value = JSON.stringify(registrationJSON(credential));
        } else {
          credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
          field.value = JSON.stringify(authenticationJSON(credential));
        }
        say("Checking…");
        form.submit();
      } catch (error) {
        field.value = "";
        button.disabled = false;
        say(explain(error));
      }
    });
  }

  document.querySelectorAll("form[data-passkey]").forEach(setup);
})();
