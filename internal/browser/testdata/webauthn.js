// A relying party's page, reduced to the two browser calls: it registers
// a credential and then asks for an assertion, showing the outcome in
// #status for the test to read. The server side is out of scope here,
// so the challenges are random and nothing is verified.
"use strict";

let credentialID = null;

function show(text) {
  document.getElementById("status").textContent = text;
}

function challenge() {
  return crypto.getRandomValues(new Uint8Array(32));
}

async function register() {
  const cred = await navigator.credentials.create({publicKey: {
    rp: {id: "localhost", name: "wharf test"},
    user: {id: new TextEncoder().encode("user-1"), name: "alice", displayName: "Alice"},
    challenge: challenge(),
    pubKeyCredParams: [{type: "public-key", alg: -7}],
    authenticatorSelection: {residentKey: "required", userVerification: "required"},
    timeout: 10000,
  }});
  credentialID = cred.rawId;
  show("registered " + cred.type + " " + cred.response.getTransports().join(","));
}

async function login() {
  const cred = await navigator.credentials.get({publicKey: {
    rpId: "localhost",
    challenge: challenge(),
    allowCredentials: [{type: "public-key", id: credentialID}],
    userVerification: "required",
    timeout: 10000,
  }});
  const flags = new Uint8Array(cred.response.authenticatorData)[32];
  show("asserted user-verified=" + ((flags & 4) !== 0));
}

function run(f) {
  return () => f().catch(e => show("error " + e.name + ": " + e.message));
}

document.getElementById("register").addEventListener("click", run(register));
document.getElementById("login").addEventListener("click", run(login));
