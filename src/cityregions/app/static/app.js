/* cityregions dashboard: Leaflet map without tiles, layer toggles, details, network, scenarios.
   Reads only the local read-only JSON API of the server that served this page. */
(function () {
  "use strict";

  var state = { lang: "de", labels: {}, values: {}, layers: {}, groups: {}, network: null, map: null, numbers: {} };
  /* Unit suffixes of result keys, shown in brackets by humanise() (as in the report). */
  var UNITS = [["_t_per_ha", "t/ha"], ["_km2", "km²"], ["_gwh", "GWh"], ["_mwh", "MWh"], ["_km", "km"],
    ["_eur", "EUR"], ["_ha", "ha"], ["_kw_el", "kW el."], ["_pct", "%"]];

  /* Readable fallback of an unknown snake_case key: "potential_fuel_gwh" -> "Potential fuel (GWh)". */
  function humanise(key) {
    var text = String(key), unit = "";
    for (var i = 0; i < UNITS.length; i++) {
      var suffix = UNITS[i][0];
      if (text.toLowerCase().slice(-suffix.length) === suffix && text.length > suffix.length) {
        text = text.slice(0, -suffix.length); unit = UNITS[i][1]; break;
      }
    }
    text = text.replace(/_+/g, " ").trim();
    text = text.charAt(0).toUpperCase() + text.slice(1);
    return unit ? text + " (" + unit + ")" : text;
  }

  /* Display name of a coded value (silage_maize -> Silomais), else the value itself. */
  function tv(value) {
    var pair = typeof value === "string" ? state.values[value] : null;
    return pair ? (state.lang === "de" ? pair[0] : pair[1]) : value;
  }
  var LAYER_ORDER = ["municipalities", "regions", "energy", "stability", "municipal_areas", "areas", "flows", "gaps", "units"];
  /* Inputs of the user: a missing value reads "not given", never 0 or a dash. */
  var GIVEN = { population: true, residents: true, jobs: true, area_km2: true };
  var DEFAULT_ON = { regions: true, units: true, flows: true, areas: false, gaps: true, energy: false,
    municipalities: false, municipal_areas: false, stability: false };

  function t(key) {
    var pair = state.labels[key];
    if (!pair && /_status$/.test(key) && state.labels[key.slice(0, -7)]) {
      return t(key.slice(0, -7)) + " · Status";
    }
    if (!pair) { return humanise(key); }
    return state.lang === "de" ? pair[0] : pair[1];
  }

  function esc(text) {
    return String(text === null || text === undefined ? "–" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  // A number as the report writes it (fmt_number: whole above 100, one decimal above 1,
  // three significant digits below), in the reader's language.
  function number(value) {
    var options = { maximumSignificantDigits: 3, useGrouping: true };
    if (value === 0 || Math.abs(value) >= 1) {
      var digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : 1;
      options = { maximumFractionDigits: digits, useGrouping: true };
    }
    /* how the reader's language writes it: the case payload's "numbers"
       (cityregions.i18n.NUMBER_FORMATS, the rule of the report's tables) */
    var rule = state.numbers[state.lang];
    return value.toLocaleString("en-GB", options).replace(/[,.-]/g, function (c) {
      return c === "," ? rule.thousands : c === "." ? rule.decimal : rule.minus;
    });
  }

  function fmt(value) {
    if (value === null || value === undefined || value === "") { return "–"; }
    if (typeof value === "number") { return number(value); }
    if (typeof value === "boolean") { return value ? "✓" : "–"; }
    if (Array.isArray(value)) { return esc(value.join(", ")); }
    if (typeof value === "object") { return esc(JSON.stringify(value)); }
    return esc(tv(value));
  }

  function getJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  function applyLabels() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-set-lang") === state.lang));
    });
  }

  /* ---------------------------------------------------------------- map */
  function style(name, feature) {
    var p = feature.properties;
    if (name === "regions") { return { color: p.colour, weight: 1.2, fillColor: p.colour, fillOpacity: 0.18, className: "region-shape" }; }
    if (name === "energy") { return { color: "#52606d", weight: 0.8, fillColor: p.colour, fillOpacity: 0.75, className: "energy-shape" }; }
    if (name === "areas") { return { color: "#1f2933", weight: 1.6, dashArray: "6 4", fill: false, className: "area-shape" }; }
    if (name === "gaps") { return { color: "#c0392b", weight: 3, dashArray: "7 5", className: "gap-line" }; }
    if (name === "flows") { return { color: "#52606d", weight: p.width || 1, opacity: 0.5, className: "flow-line" }; }
    if (name === "municipalities") { return { color: "#ffffff", weight: 0.4, fillColor: p.colour, fillOpacity: 0.6, className: "municipal-shape" }; }
    if (name === "stability") {
      return p.kind === "consensus" ? { color: "#1f2933", weight: 2, fill: false, className: "consensus-shape" }
        : { color: "#ffffff", weight: 0.5, fillColor: p.colour, fillOpacity: 0.85, className: "stability-shape" };
    }
    if (name === "municipal_areas") { return { color: "#7b2d26", weight: 1.4, dashArray: "3 3", fill: false, className: "municipal-area-shape" }; }
    return {};
  }

  /* Units shaded by stability (share of runs agreeing with the consensus), consensus outlines. */
  function stabilityLayer(collection) {
    return L.geoJSON(collection, {
      style: function (f) { return style("stability", f); },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.95, className: "stability-marker" });
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        var tip = p.kind === "unit" ? p.name + " · " + p.region_name + ": " + fmt(Math.round(100 * p.stability)) + " %" : p.name;
        layer.bindTooltip(esc(tip), { sticky: true });
        if (p.kind === "unit") { layer.on("click", function (e) { L.DomEvent.stopPropagation(e); showUnit(p.id); }); }
      }
    });
  }

  function buildLayer(name, collection) {
    if (name === "stability") { return stabilityLayer(collection); }
    if (name === "flows") {
      var top = Math.max.apply(null, collection.features.map(function (f) { return f.properties.value || 0; }).concat([1]));
      collection.features.forEach(function (f) { f.properties.width = 0.8 + 7 * (f.properties.value || 0) / top; });
    }
    if (name === "units") {
      /* circle area ∝ the map's size measure (population, else employed residents); equal without one */
      var maxSize = Math.max.apply(null, collection.features.map(function (f) { return f.properties.size || 0; }).concat([0]));
      return L.geoJSON(collection, {
        pointToLayer: function (f, latlng) {
          var r = maxSize > 0 ? Math.max(3, 18 * Math.sqrt((f.properties.size || 0) / maxSize)) : 5;
          return L.circleMarker(latlng, { radius: r, color: "#fff", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.9, className: "unit-marker unit-" + f.properties.id });
        },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(esc(f.properties.name));
          layer.on("click", function (e) { L.DomEvent.stopPropagation(e); showUnit(f.properties.id); });
        }
      });
    }
    var shapes = L.geoJSON(collection, {
      style: function (f) { return style(name, f); },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        var tip = p.name || ((p.a_name || p.a) + " – " + (p.b_name || p.b));
        if (p.region_name !== undefined) { tip += " · " + p.region_name; }
        if (p.value !== undefined) { tip += ": " + fmt(p.value); }
        if (p.balance !== undefined) { tip += ": " + fmt(p.balance) + " MWh"; }
        layer.bindTooltip(esc(tip), { sticky: true });
        if (name === "regions" || name === "energy") {
          layer.on("click", function () { showRegion(p.id); });
        }
      }
    });
    if (name !== "regions" && name !== "municipalities") { return shapes; }
    /* every region carries its number (as in the legend): colours repeat for regions that do not touch;
       the municipal level lists its regions in the collection's "regions" member */
    var group = L.featureGroup([shapes]);
    var keyed = name === "regions" ? collection.features.map(function (f) { return f.properties; }) : (collection.regions || []);
    keyed.forEach(function (p) {
      if (!p.label_point) { return; }
      var icon = L.divIcon({ className: "region-key" + (name === "regions" ? "" : " municipal-key"), html: esc(p.key), iconSize: [18, 18] });
      var marker = L.marker([p.label_point[1], p.label_point[0]], { icon: icon, keyboard: false, title: p.name });
      if (name === "regions") { marker.on("click", function () { showRegion(p.id); }); }
      group.addLayer(marker);
    });
    return group;
  }

  function setLayer(name, on) {
    var group = state.groups[name];
    if (!group) { return; }
    if (on && !state.map.hasLayer(group)) { group.addTo(state.map); }
    if (!on && state.map.hasLayer(group)) { state.map.removeLayer(group); }
    // keep drawing order: polygons below lines below unit symbols
    LAYER_ORDER.forEach(function (n) {
      var g = state.groups[n];
      if (g && state.map.hasLayer(g) && g.bringToFront) { g.bringToFront(); }
    });
  }

  function renderToggles(available) {
    var box = document.getElementById("layer-toggles");
    box.innerHTML = "";
    var names = { units: "units", regions: "regions", areas: "cooperation_areas", flows: "flows", gaps: "gaps", energy: "energy_balance",
      municipalities: "municipalities", municipal_areas: "municipal_areas", stability: "stability_map" };
    ["units", "regions", "areas", "flows", "gaps", "energy", "municipalities", "municipal_areas", "stability"].forEach(function (name) {
      var has = available.indexOf(name) >= 0;
      var label = document.createElement("label");
      label.className = "toggle" + (has ? "" : " disabled");
      label.innerHTML = '<input type="checkbox" id="toggle-' + name + '" data-layer="' + name + '"' +
        (has && DEFAULT_ON[name] ? " checked" : "") + (has ? "" : " disabled") + '> <span data-i18n="' + names[name] + '">' + esc(t(names[name])) + "</span>";
      box.appendChild(label);
    });
    box.addEventListener("change", function (e) {
      if (e.target.dataset.layer) { setLayer(e.target.dataset.layer, e.target.checked); renderLegend(); }
    });
  }

  function isShown(name) {
    var group = state.groups[name];
    return !!(group && state.map && state.map.hasLayer(group));
  }

  /* Every region, by its number; swatch colours are set as properties (no inline style: CSP). */
  function renderLegend() {
    var regions = state.layers.regions ? state.layers.regions.features : [];
    var html = regions.map(function (f) {
      return '<div><span class="sw" data-colour="' + esc(f.properties.colour) + '"></span><span class="key">' +
        esc(f.properties.key) + "</span> " + esc(f.properties.name) + "</div>";
    }).join("");
    if (regions.length) {
      html += '<p class="muted small" data-i18n="map_keys">' + esc(t("map_keys")) + "</p>";
    }
    if (regions.length && regions[0].properties.schematic) {
      html += '<p class="muted small" data-i18n="map_hulls">' + esc(t("map_hulls")) + "</p>";
    }
    /* the municipal level's regions while its layer is shown (numbers as in the report's level map) */
    var municipal = state.layers.municipalities && isShown("municipalities") ? state.layers.municipalities.regions || [] : [];
    if (municipal.length) {
      html += '<p class="small" id="legend-municipal"><strong data-i18n="municipalities">' + esc(t("municipalities")) + "</strong></p>" +
        municipal.map(function (r) {
          return '<div class="municipal"><span class="sw" data-colour="' + esc(r.colour) + '"></span><span class="key">' +
            esc(r.key) + "</span> " + esc(r.name) + "</div>";
        }).join("");
    }
    var classes = state.layers.stability ? state.layers.stability.legend || [] : [];
    if (classes.length) {
      html += '<p class="small"><strong data-i18n="stability_map">' + esc(t("stability_map")) + "</strong></p>" +
        classes.map(function (c) {
          return '<div><span class="sw" data-colour="' + esc(c.colour) + '"></span>' + (c.low >= 1 ? "100 %" : "≥ " + Math.round(100 * c.low) + " %") + "</div>";
        }).join("");
    }
    var size = state.caseInfo && state.caseInfo.size;
    var note = "map_units_" + (size || "equal");
    html += '<p class="muted small" data-i18n="' + note + '">' + esc(t(note)) + "</p>";
    var box = document.getElementById("legend");
    box.innerHTML = html;
    box.querySelectorAll(".sw[data-colour]").forEach(function (el) { el.style.background = el.getAttribute("data-colour"); });
  }

  function initMap(caseInfo) {
    state.map = L.map("map", { zoomSnap: 0.25, attributionControl: false, preferCanvas: false });
    var bounds = null;
    caseInfo.layers.forEach(function (name) {
      state.groups[name] = buildLayer(name, state.layers[name]);
      if (name === "units") { bounds = state.groups[name].getBounds(); }
    });
    if (bounds && bounds.isValid()) { state.map.fitBounds(bounds.pad(0.05)); } else { state.map.setView([51, 12], 7); }
    L.control.scale({ imperial: false }).addTo(state.map);
    if (caseInfo.attribution && caseInfo.attribution.length) {
      /* the sources' required attribution (BA, BKG, Destatis) in the map corner */
      L.control.attribution({ prefix: false }).addAttribution(esc(caseInfo.attribution.join(" · "))).addTo(state.map);
    }
    renderToggles(caseInfo.layers);
    caseInfo.layers.forEach(function (name) { if (DEFAULT_ON[name]) { setLayer(name, true); } });
    renderLegend();
  }

  /* ---------------------------------------------------------------- details */
  function figuresTable(obj) {
    var rows = [], nested = [];
    Object.keys(obj).forEach(function (k) {
      var v = obj[k];
      if (v !== null && typeof v === "object" && !Array.isArray(v)) { nested.push(k); return; }
      if (k === "units" && Array.isArray(v)) { v = v.length; }
      var shown = (v === null || v === undefined) && GIVEN[k] ? esc(t("not_given")) : fmt(v);
      rows.push("<tr><th>" + esc(t(k)) + '</th><td class="num">' + shown + "</td></tr>");
    });
    var html = '<table class="fig">' + rows.join("") + "</table>";
    nested.forEach(function (k) { html += "<h4>" + esc(k.split(":").map(t).join(" · ")) + "</h4>" + figuresTable(obj[k]); });
    return html;
  }

  function showUnit(id) {
    state.current = { kind: "unit", id: id };
    getJSON("/api/units/" + encodeURIComponent(id)).then(function (u) {
      var rest = Object.assign({}, u); delete rest.name; delete rest.id;
      document.getElementById("details").innerHTML =
        '<h3 class="unit-title">' + esc(u.name) + '</h3><p class="muted small">' + esc(t("unit")) + " " + esc(u.id) + "</p>" + figuresTable(rest);
    });
  }

  function showRegion(id) {
    state.current = { kind: "region", id: id };
    getJSON("/api/regions/" + encodeURIComponent(id)).then(function (r) {
      /* the region as the map and the legend number it ("Region 7"), not by its id */
      var rest = Object.assign({}, r); delete rest.name; delete rest.id; delete rest.key;
      var number = r.key !== undefined && r.key !== null ? r.key : r.id;
      document.getElementById("details").innerHTML =
        '<h3 class="region-title">' + esc(r.name) + '</h3><p class="muted small">' + esc(t("region")) + " " + esc(number) + "</p>" + figuresTable(rest);
    });
  }

  /* ---------------------------------------------------------------- network */
  /* Keep the labels that do not overlap a more important one (greedy, by weight). */
  function placeLabels(labels) {
    var placed = [], kept = [];
    labels.sort(function (a, b) { return b.weight - a.weight; }).forEach(function (l) {
      var half = 3.3 * l.text.length;
      var box = [l.x - half - 2, l.y - 11, l.x + half + 2, l.y + 3];
      var clash = placed.some(function (b) { return !(box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3]); });
      if (!clash) { placed.push(box); kept.push(l); }
    });
    return kept;
  }

  function drawNetwork(snapshot) {
    var svg = document.getElementById("network");
    var net = state.network, W = 1000, H = 520, pad = 40;
    var pos = {};
    net.nodes.forEach(function (n) { pos[n.id] = [pad + n.x * (W - 2 * pad), pad + n.y * (H - 2 * pad)]; });
    var degree = {};
    snapshot.edges.forEach(function (e) { degree[e.source] = (degree[e.source] || 0) + 1; degree[e.target] = (degree[e.target] || 0) + 1; });
    var alive = {}; snapshot.bodies.forEach(function (b) { alive[b] = true; });
    var parts = [], labels = [];
    snapshot.edges.forEach(function (e) {
      if (!pos[e.source] || !pos[e.target]) { return; }
      parts.push('<line class="edge" x1="' + pos[e.source][0].toFixed(1) + '" y1="' + pos[e.source][1].toFixed(1) + '" x2="' + pos[e.target][0].toFixed(1) + '" y2="' + pos[e.target][1].toFixed(1) +
        '" stroke="' + (e.status === "documented" ? "#9aa5b1" : "#e69f00") + '" stroke-width="1.2"' + (e.status === "documented" ? "" : ' stroke-dasharray="4 3"') + "/>");
    });
    net.nodes.forEach(function (n) {
      var active = n.type === "body" ? alive[n.id] : degree[n.id] > 0;
      var r = n.type === "body" ? 6 + 1.2 * Math.sqrt(degree[n.id] || 0) * 2 : 3.5 + Math.sqrt(degree[n.id] || 0);
      var p = pos[n.id];
      parts.push('<circle class="node" cx="' + p[0].toFixed(1) + '" cy="' + p[1].toFixed(1) + '" r="' + r.toFixed(1) + '" fill="' + n.colour + '" fill-opacity="' + (active ? 0.95 : 0.15) +
        '" stroke="#fff"><title>' + esc(n.label) + " (" + esc(tv(n.kind)) + ")</title></circle>");
      if (n.type === "body" && active) {
        var text = n.label.length > 34 ? n.label.slice(0, 33) + "…" : n.label;
        labels.push({ x: p[0], y: p[1] - r - 3, text: text, weight: degree[n.id] || 0 });
      }
    });
    placeLabels(labels).forEach(function (l) {
      parts.push('<text x="' + l.x.toFixed(1) + '" y="' + l.y.toFixed(1) + '" text-anchor="middle">' + esc(l.text) + "</text>");
    });
    svg.innerHTML = parts.join("");
    document.getElementById("network-count").textContent = snapshot.edges.length + " " + t("memberships");
  }

  function loadSnapshot() {
    var slider = document.getElementById("as-of");
    var date = state.network.dates[Number(slider.value)];
    document.getElementById("as-of-label").textContent = date;
    var target = document.getElementById("include-target").checked;
    getJSON("/api/network/snapshot?as_of=" + date + "&include_target=" + target).then(drawNetwork);
  }

  /* E–I index per state at the governance snapshot (the report's table "state_openness"). */
  var OPENNESS_COLUMNS = ["group", "nodes", "internal", "external", "ei_index", "expected", "p_value", "significant"];
  function drawOpenness(section) {
    var rows = section.state_openness || [];
    var shown = rows.map(function (r) {
      var row = {};
      OPENNESS_COLUMNS.forEach(function (c) { row[c] = r[c]; });
      return row;
    });
    var target = document.getElementById("network-openness");
    if (!target) { return; }  /* no network to show: the tab says so instead */
    target.innerHTML = shown.length
      ? "<h4>" + esc(t("state_openness")) + " · " + esc(t("as_of")) + " " + fmt(section.as_of) + "</h4>" +
        table(shown) + '<p class="small muted">' + esc(t("state_openness_caption")) + "</p>"
      : "";
  }

  function loadOpenness() {
    if (!state.caseInfo || (state.caseInfo.sections || []).indexOf("governance") < 0) { return; }
    getJSON("/api/sections/governance").then(function (g) {
      state.openness = { as_of: g.as_of, state_openness: g.state_openness };
      drawOpenness(state.openness);
    });
  }

  function initNetwork(net) {
    state.network = net;
    loadOpenness();
    if (!net.available || !net.dates.length) {
      document.getElementById("tab-network").innerHTML = '<p class="muted">–</p>';
      return;
    }
    var slider = document.getElementById("as-of");
    slider.max = String(net.dates.length - 1);
    slider.value = String(net.dates.length - 1);
    slider.addEventListener("input", loadSnapshot);
    document.getElementById("include-target").addEventListener("change", loadSnapshot);
    loadSnapshot();
  }

  /* ---------------------------------------------------------------- scenarios, provenance */
  function table(rows) {
    if (!rows || !rows.length) { return '<p class="muted">–</p>'; }
    var cols = Object.keys(rows[0]);
    return '<table class="fig"><thead><tr>' + cols.map(function (c) { return "<th>" + esc(t(c)) + "</th>"; }).join("") + "</tr></thead><tbody>" +
      rows.map(function (r) { return "<tr>" + cols.map(function (c) { return '<td class="' + (typeof r[c] === "number" ? "num" : "") + '">' + fmt(r[c]) + "</td>"; }).join("") + "</tr>"; }).join("") + "</tbody></table>";
  }

  function showScenario(name) {
    getJSON("/api/scenarios/" + encodeURIComponent(name)).then(function (s) {
      /* German texts where the scenario file gives them (title_de, ...), else English, marked so */
      var de = state.lang === "de";
      function text(key) { return de && s[key + "_de"] ? s[key + "_de"] : s[key]; }
      var english = de && ((s.description && !s.description_de) || (s.assumptions && s.assumptions.length && !s.assumptions_de));
      var html = "<h3>" + esc(text("title") || name) + "</h3>";
      if (english) { html += '<p class="small muted">' + esc(t("text_in_english")) + "</p>"; }
      if (s.description) { html += '<p class="small">' + esc(text("description")) + "</p>"; }
      if (s.assumptions && s.assumptions.length) {
        html += '<details><summary>' + esc(t("assumptions")) + "</summary><ul class=\"small\">" +
          text("assumptions").map(function (a) { return "<li>" + esc(a) + "</li>"; }).join("") + "</ul></details>";
      }
      Object.keys(s.tables || {}).forEach(function (k) { html += "<h4>" + esc(t(k)) + "</h4>" + table(s.tables[k]); });
      document.getElementById("scenario-tables").innerHTML = html;
    });
  }

  function initScenarios(names) {
    var select = document.getElementById("scenario");
    if (!names.length) { document.getElementById("tab-partnership").innerHTML = '<p class="muted">–</p>'; return; }
    select.innerHTML = names.map(function (n) { return '<option value="' + esc(n) + '">' + esc(n) + "</option>"; }).join("");
    select.setAttribute("aria-label", t("scenario"));
    /* show each scenario by its title (the file name stays the option's value) */
    names.forEach(function (n, i) {
      getJSON("/api/scenarios/" + encodeURIComponent(n)).then(function (s) {
        if (s.title) { select.options[i].textContent = s.title; select.options[i].title = n; }
      });
    });
    select.addEventListener("change", function () { showScenario(select.value); });
    showScenario(names[0]);
  }

  /* A provenance note's item: a coefficient by its name in the reader's language (payload). */
  function item(p) {
    return p["item_" + state.lang] || t(p.item);
  }

  function renderProvenance(caseInfo) {
    var rows = caseInfo.provenance.map(function (p) {
      return "<tr><td>" + esc(t(p.section)) + "</td><td>" + esc(item(p)) + '</td><td><span class="badge ' + esc(p.kind) + '">' + esc(t(p.kind)) + "</span></td><td>" + esc(p.source) + "</td></tr>";
    });
    document.getElementById("provenance").innerHTML = '<table class="fig"><tbody>' + rows.join("") + "</tbody></table>";
    var modeled = [];
    caseInfo.provenance.forEach(function (p) {
      /* scenario rules are design assumptions (listed in the provenance tab), not modeled data */
      var shown = item(p);
      if (p.kind === "modeled" && !/: rules$/.test(p.item) && modeled.indexOf(shown) < 0) { modeled.push(shown); }
    });
    document.getElementById("provenance-note").textContent = modeled.length ? t("modeled") + ": " + modeled.join(", ") : "";
  }

  function initTabs() {
    document.querySelector(".tabs").addEventListener("click", function (e) {
      var tab = e.target.getAttribute("data-tab");
      if (!tab) { return; }
      document.querySelectorAll(".tabs button").forEach(function (b) { b.setAttribute("aria-selected", String(b === e.target)); });
      document.querySelectorAll(".tab").forEach(function (el) { el.hidden = el.id !== "tab-" + tab; });
    });
  }

  /* Re-draw the parts whose text was built in the previous language. */
  function rerender() {
    if (state.current) { (state.current.kind === "unit" ? showUnit : showRegion)(state.current.id); }
    var select = document.getElementById("scenario");
    if (select && select.value) { showScenario(select.value); }
    if (state.network && state.network.available) { loadSnapshot(); }
    if (state.openness) { drawOpenness(state.openness); }
    if (state.caseInfo) { renderProvenance(state.caseInfo); }
  }

  /* ---------------------------------------------------------------- start */
  function start() {
    initTabs();
    document.addEventListener("click", function (e) {
      var lang = e.target.getAttribute && e.target.getAttribute("data-set-lang");
      if (lang) { state.lang = lang; applyLabels(); rerender(); }
    });
    Promise.all([getJSON("/api/case"), getJSON("/api/labels"), getJSON("/api/values")]).then(function (res) {
      var caseInfo = res[0];
      state.labels = res[1];
      state.values = res[2];
      state.lang = caseInfo.language === "en" ? "en" : "de";
      document.getElementById("case-name").textContent = caseInfo.name;
      document.title = caseInfo.name + " · cityregions";
      state.caseInfo = caseInfo;
      state.numbers = caseInfo.numbers;
      applyLabels();
      renderProvenance(caseInfo);
      return Promise.all(caseInfo.layers.map(function (name) {
        return getJSON("/api/layers/" + name).then(function (fc) { state.layers[name] = fc; });
      })).then(function () {
        initMap(caseInfo);
        applyLabels();
        document.body.setAttribute("data-ready", "true");
        getJSON("/api/network").then(initNetwork);
        getJSON("/api/scenarios").then(initScenarios);
      });
    }).catch(function (err) {
      document.getElementById("details").textContent = String(err);
    });
  }

  start();
})();
