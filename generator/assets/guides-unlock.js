// Opens a passphrase-protected guide in the browser. The format is written by generator/protect.py:
// AES-256-GCM, key from PBKDF2-SHA256 over the passphrase's letters and digits (lowercase), with
// the salt, nonce and iteration count stored beside the ciphertext. Nothing is sent anywhere.
(function () {
  "use strict";
  const form = document.getElementById("guides-unlock");
  const sealedScript = document.getElementById("guides-sealed");
  if (!form || !sealedScript) return;
  const sealed = JSON.parse(sealedScript.textContent);
  const message = form.querySelector("[data-unlock-message]");
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const canonical = (text) => text.toLowerCase().replace(/[^a-z0-9]/g, "");

  function say(text) {
    message.textContent = text;
    message.hidden = false;
  }

  async function open(passphrase) {
    const material = await crypto.subtle.importKey(
      "raw", new TextEncoder().encode(canonical(passphrase)), "PBKDF2", false, ["deriveKey"]);
    const key = await crypto.subtle.deriveKey(
      { name: "PBKDF2", hash: "SHA-256", salt: bytes(sealed.salt), iterations: sealed.iterations },
      material, { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes(sealed.nonce) }, key, bytes(sealed.ciphertext));
    return JSON.parse(new TextDecoder().decode(plain));
  }

  function show(content) {
    const article = form.closest("article") || document.querySelector("article");
    const locked = form.dataset.lockedTitle;
    article.innerHTML = content.html;
    document.title = document.title.replace(locked, content.title);
    document.querySelectorAll(".md-header__topic .md-ellipsis").forEach((el) => {
      if (el.textContent.trim() === locked) el.textContent = content.title;
    });
    if (location.hash) {
      const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) target.scrollIntoView();
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.hidden = true;
    if (!window.crypto || !crypto.subtle) {
      say(form.dataset.insecureMessage);
      return;
    }
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      show(await open(form.elements.passphrase.value));
    } catch (error) {
      say(form.dataset.wrongMessage);
      button.disabled = false;
    }
  });
})();
