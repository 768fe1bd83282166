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
  // The budget confirmation's total follows the amounts as they are typed (the server shows
  // the same total on load; core.money.parse_rupiah is the rule, this reads its common forms).
  var scales = { ribu: 1e3, rb: 1e3, juta: 1e6, jt: 1e6, miliar: 1e9, milyar: 1e9, m: 1e9, triliun: 1e12 };
  function rupiahValue(text) {
    var t = text.replace(/\s/g, "").toLowerCase().replace(/^rp\.?/, "").replace(/,-$/, "");
    var m = t.match(/^(\d{1,3}(?:\.\d{3})+|\d+)(?:,0+)?$/);
    if (m) { return Number(m[1].replace(/\./g, "")); }
    m = t.match(/^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(ribu|rb|juta|jt|miliar|milyar|m|triliun)$/);
    if (m) { return Math.round(Number(m[1].replace(/\./g, "") + "." + (m[2] || "0")) * scales[m[3]]); }
    return null;
  }
  function formatRupiah(n) { return "Rp" + String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  document.querySelectorAll("[data-confirm-total]").forEach(function (out) {
    var inputs = out.closest("fieldset").querySelectorAll("input[data-confirm-amount]");
    function update() {
      var total = 0;
      for (var i = 0; i < inputs.length; i++) {
        var v = rupiahValue(inputs[i].value);
        if (v === null) { out.textContent = out.getAttribute("data-incomplete"); return; }
        total += v;
      }
      out.textContent = formatRupiah(total);
    }
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    out.setAttribute("data-live", "1");  // follows the inputs from now on
  });
  // Move focus to an error summary so keyboard and screen-reader users land on it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});
