// The inspection form on a phone: "all checks pass" for a camera marks each of its checks "pass";
// the officer then changes only what failed. Without JavaScript the button stays hidden.
document.querySelectorAll(".camera-check").forEach(function (section) {
  var button = section.querySelector(".all-pass");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    section.querySelectorAll('input[type="radio"][value="pass"]').forEach(function (radio) {
      radio.checked = true;
    });
  });
});
