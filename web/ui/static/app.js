// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // A form answered with its errors in place (the activity after a refused action) shows the
  // page's own address, so a reload or a bookmark opens the page rather than the form's target.
  var pageUrl = document.body.getAttribute("data-page-url");
  if (pageUrl && window.history.replaceState) {
    window.history.replaceState(null, "", pageUrl + window.location.hash);
  }
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  // "Pilih semua" on the sign-off page ticks every activity box of the same name.
  document.querySelectorAll("input[data-select-all]").forEach(function (box) {
    var name = box.getAttribute("data-select-all");
    box.addEventListener("change", function () {
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (other) {
        other.checked = box.checked;
      });
    });
  });
  // A form of several parts, each with its own save button (the pagu page): Enter in a part's
  // input saves that part, not the first part of the form (the browser's default button).
  document.querySelectorAll("[data-own-submit]").forEach(function (part) {
    part.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName !== "INPUT") { return; }
      var button = part.querySelector('button[type="submit"]');
      if (button) { event.preventDefault(); button.click(); }
    });
  });
  // Move focus to an error summary so keyboard and screen-reader users land on it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});
