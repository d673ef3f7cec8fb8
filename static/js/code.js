// Progressive enhancement of the access-code page (eligibility/code.html): the page works without
// it, and the server checks the code again. As the person types, the check symbol is verified
// with the same Damm check over GF(32) as pb/eligibility/codes.py; a code that cannot be right
// is flagged before anything is sent.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const READ_AS = { I: "1", L: "1", O: "0" };
const LENGTH = 17;

function step(interim, value) {
  let doubled = interim << 1;
  if (doubled & 32) doubled ^= 0b100101;
  return doubled ^ value;
}

// null: not a complete code yet; true/false: complete, with a right or wrong check symbol.
function checked(typed) {
  let interim = 0;
  let count = 0;
  for (const raw of typed.toUpperCase()) {
    if (" -\t".includes(raw)) continue;
    const symbol = READ_AS[raw] || raw;
    const value = ALPHABET.indexOf(symbol);
    if (value < 0) return false;
    interim = step(interim, value);
    count += 1;
  }
  if (count < LENGTH) return null;
  return count === LENGTH && interim === 0;
}

const form = document.getElementById("code-form");
const input = form && form.querySelector("input[name=code]");
const message = document.getElementById("code-check");
if (form && input && message) {
  const show = (problem) => {
    message.hidden = !problem;
    message.textContent = problem ? message.dataset.message : "";
    if (problem) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  };
  input.addEventListener("input", () => show(checked(input.value) === false));
  form.addEventListener("submit", (event) => {
    if (checked(input.value) !== true) {
      event.preventDefault();
      show(true);
      input.focus();
    }
  });
}
