// The round form, enhanced: when the ballot format changes, only the rules that can count it
// stay visible. Progressive enhancement only: without this file the page shows the rules for
// the format it was rendered with, and the server refuses a rule that cannot count the ballot.
const options = [...document.querySelectorAll(".rule-option")];
const formats = document.querySelectorAll("input[name='ballot_format']");

function show(format) {
  for (const option of options) {
    option.hidden = !option.dataset.formats.split(" ").includes(format);
  }
}

for (const input of formats) {
  input.addEventListener("change", () => show(input.value));
}
