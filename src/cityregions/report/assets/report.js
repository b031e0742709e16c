/* Language switch and print button of the cityregions report (no network access). */
(function () {
  "use strict";
  var root = document.documentElement;
  function setLang(lang) {
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang);
    var buttons = document.querySelectorAll("[data-set-lang]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-set-lang") === lang));
    }
    /* SVG tooltips cannot hold both languages' spans: they carry both as attributes */
    var titles = document.querySelectorAll("title[data-de]");
    for (var j = 0; j < titles.length; j++) {
      titles[j].textContent = titles[j].getAttribute("data-" + lang);
    }
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-set-lang]") : null;
    if (target) { setLang(target.getAttribute("data-set-lang")); }
    if (event.target.id === "print-btn") { window.print(); }
  });
  setLang(root.getAttribute("data-lang") || "de");
})();
/* Printing opens the details marked for print (the sources of the provenance banners);
   long data tables stay collapsed and are left out of the printout. */
window.addEventListener("beforeprint", function () {
  var all = document.querySelectorAll("details[data-print=open]");
  for (var i = 0; i < all.length; i++) { all[i].setAttribute("open", ""); }
});
