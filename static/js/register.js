/* Registration form: add/remove camera rows, instant verdict per camera, map picker.
   The form works without this file: rows are added by a submit button and the verdict
   appears after submitting. */
(function () {
  "use strict";

  var section = document.getElementById("cameras");
  if (!section) { return; }
  var rows = section.querySelector("[data-camera-rows]");
  var template = document.getElementById("camera-template");
  var total = section.querySelector("input[name$='-TOTAL_FORMS']");
  var maxForms = parseInt(section.querySelector("input[name$='-MAX_NUM_FORMS']").value, 10) || 50;
  var addButton = section.querySelector("[data-add-row]");
  var lang = document.documentElement.lang || "id";

  function renumber() {
    var all = rows.querySelectorAll("[data-camera-row]");
    all.forEach(function (row, i) {
      row.querySelector("[data-row-number]").textContent = String(i + 1);
      var remove = row.querySelector("[data-remove-row]");
      // Saved cameras are retired with their checkbox instead; a lone row stays.
      var saved = row.querySelector("input[name$='-id']");
      if (remove) { remove.hidden = Boolean(saved && saved.value) || all.length < 2; }
    });
    addButton.disabled = parseInt(total.value, 10) >= maxForms;
  }

  function addRow() {
    var index = parseInt(total.value, 10);
    if (index >= maxForms) { return; }
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    wireRow(row);
    renumber();
    var first = row.querySelector("input, select");
    if (first) { first.focus(); }
  }

  function removeRow(row) {
    // Only the last added row can be removed cleanly from a Django formset; clear others.
    var all = rows.querySelectorAll("[data-camera-row]");
    if (row === all[all.length - 1]) {
      row.remove();
      total.value = String(parseInt(total.value, 10) - 1);
    } else {
      row.querySelectorAll("input, select").forEach(function (el) {
        if (el.type === "checkbox") { el.checked = false; } else if (el.type !== "hidden") { el.value = ""; }
      });
      row.querySelector("[data-verdict]").textContent = "";
    }
    renumber();
    addButton.focus();
  }

  // A number as typed, with either decimal separator, read as registry/forms.py either_separator does.
  var WHOLE = { pan_range_deg: true, resolution_h_px: true, resolution_v_px: true, retention_days: true };
  var DECIMAL = { hfov_wide_deg: true, hfov_tele_deg: true, optical_zoom: true };
  function number(text, whole) {
    text = text.replace(/[\s\u00a0]/g, "");
    if (whole) { return /^\d{1,3}([.,]\d{3})+$/.test(text) ? text.replace(/[.,]/g, "") : text; }
    if (text.indexOf(",") >= 0 && text.indexOf(".") >= 0) {
      var decimal = text.lastIndexOf(",") > text.lastIndexOf(".") ? "," : ".";
      return text.split(decimal === "," ? "." : ",").join("").replace(decimal, ".");
    }
    return text.split(",").length === 2 ? text.replace(",", ".") : text;
  }

  function value(row, name) {
    var el = row.querySelector("[name$='-" + name + "']");
    if (!el) { return null; }
    if (el.type === "checkbox") { return el.checked; }
    var text = el.value.trim();
    if (text === "") { return null; }
    return WHOLE[name] || DECIMAL[name] ? number(text, WHOLE[name]) : text;
  }

  function specs(row) {
    var profiles = [];
    row.querySelectorAll("input[name$='-onvif_profiles']:checked").forEach(function (el) { profiles.push(el.value); });
    var body = {
      camera_type: value(row, "camera_type"),
      pan_range_deg: value(row, "pan_range_deg"),
      hfov_wide_deg: value(row, "hfov_wide_deg"),
      hfov_tele_deg: value(row, "hfov_tele_deg"),
      optical_zoom: value(row, "optical_zoom"),
      resolution_h_px: value(row, "resolution_h_px"),
      resolution_v_px: value(row, "resolution_v_px"),
      night_vision: value(row, "night_vision"),
      retention_days: value(row, "retention_days"),
      rtsp_url: value(row, "rtsp_url") || "",
      faces_road: value(row, "faces_road"),
      onvif_profiles: profiles
    };
    Object.keys(body).forEach(function (key) { if (body[key] === null) { delete body[key]; } });
    return body;
  }

  function complete(body) {
    return ["camera_type", "pan_range_deg", "hfov_wide_deg", "resolution_h_px", "resolution_v_px", "retention_days"]
      .every(function (key) { return key in body; });
  }

  function show(row, title, items, ok) {
    var box = row.querySelector("[data-verdict]");
    box.className = "verdict " + (ok === true ? "ok" : ok === false ? "fail" : "");
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = title;
    box.appendChild(p);
    if (items && items.length) {
      var ul = document.createElement("ul");
      items.forEach(function (text) { var li = document.createElement("li"); li.textContent = text; ul.appendChild(li); });
      box.appendChild(ul);
    }
  }

  function check(row) {
    var body = specs(row);
    if (!complete(body)) { show(row, section.dataset.textIncomplete, [], null); return; }
    show(row, section.dataset.textChecking, [], null);
    fetch(section.dataset.specCheckUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "Accept-Language": lang },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok && result.data.meets_standard) {
        var d = String(result.data.identification_distance_m.toFixed(1));
        if (lang === "id") { d = d.replace(".", ","); }
        show(row, section.dataset.textMeets.replace("{d}", d), [], true);
      } else if (result.ok) {
        show(row, section.dataset.textFails, result.data.findings.map(function (f) { return f.message; }), false);
      } else {
        var messages = [];
        Object.keys(result.data).forEach(function (key) { messages = messages.concat(result.data[key]); });
        show(row, section.dataset.textIncomplete, messages.map(String), null);
      }
    }).catch(function () { show(row, "", [], null); });
  }

  // The camera catalogue (registry/camera_catalogue.py): typing brand and model finds it; the
  // data sheet's figures fill in and the verdict follows. Without JavaScript the list is a select.
  var catalogueData = document.getElementById("camera-catalogue");
  var catalogue = catalogueData ? JSON.parse(catalogueData.textContent) : [];
  var byLabel = {};
  catalogue.forEach(function (entry) { byLabel[entry.label.toLowerCase()] = entry; });

  function setField(row, name, value) {
    var el = row.querySelector("[name$='-" + name + "']");
    if (!el) { return; }
    if (el.type === "checkbox") { el.checked = Boolean(value); } else { el.value = value === null ? "" : String(value); }
  }

  function fillFromCatalogue(row, entry) {
    var details = row.querySelector("[data-technical]");
    if (!entry) { if (details) { details.open = true; } return; }
    setField(row, "brand", entry.brand);
    setField(row, "model", entry.model);
    Object.keys(entry.specs).forEach(function (name) { setField(row, name, entry.specs[name]); });
    row.querySelectorAll("input[name$='-onvif_profiles']").forEach(function (box) {
      box.checked = entry.onvif.indexOf(box.value) >= 0;
    });
    if (details) { details.open = false; }
  }

  function wireCatalogue(row) {
    var pick = row.querySelector("[data-catalogue-pick]");
    var select = pick && pick.querySelector("select");
    if (!select || !catalogue.length) { return; }
    var list = document.getElementById("camera-catalogue-list");
    var search = document.createElement("input");
    search.type = "search";
    search.setAttribute("list", list.id);
    search.setAttribute("autocomplete", "off");
    search.id = select.id + "_search";
    search.className = "catalogue-search";
    var chosen = catalogue.filter(function (entry) { return String(entry.id) === select.value; })[0];
    search.value = chosen ? chosen.label : "";
    select.hidden = true;
    select.insertAdjacentElement("beforebegin", search);
    var label = pick.querySelector("label");
    if (label) { label.setAttribute("for", search.id); }
    function picked(final) {
      var entry = byLabel[search.value.trim().toLowerCase()];
      if (!entry && !final) { return; }  // still typing
      if (String(entry ? entry.id : "") === select.value && entry) { return; }
      select.value = entry ? String(entry.id) : "";
      fillFromCatalogue(row, entry);
    }
    search.addEventListener("input", function () { picked(false); });
    search.addEventListener("change", function () { picked(true); });
  }

  function wireRow(row) {
    wireCatalogue(row);
    var timer = null;
    var schedule = function () { clearTimeout(timer); timer = setTimeout(function () { check(row); }, 400); };
    row.addEventListener("input", schedule);
    row.addEventListener("change", schedule);
    var remove = row.querySelector("[data-remove-row]");
    if (remove) { remove.addEventListener("click", function () { removeRow(row); }); }
    if (complete(specs(row))) { check(row); }
  }

  addButton.addEventListener("click", function (event) { event.preventDefault(); addRow(); });
  rows.querySelectorAll("[data-camera-row]").forEach(wireRow);
  renumber();

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // The map: only when Leaflet loaded. Without tiles (offline) the marker still works.
  var mapBox = document.getElementById("map");
  if (mapBox && window.L) {
    var latInput = document.getElementById(mapBox.dataset.latInput);
    var lonInput = document.getElementById(mapBox.dataset.lonInput);
    mapBox.hidden = false;
    document.getElementById("map-hint").hidden = false;
    var start = [parseFloat(number(latInput.value, false)) || 0.133, parseFloat(number(lonInput.value, false)) || 117.495];
    var map = window.L.map(mapBox, { center: start, zoom: 14 });
    window.L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19, attribution: "&copy; OpenStreetMap"
    }).addTo(map);
    var marker = latInput.value ? window.L.marker(start).addTo(map) : null;
    map.on("click", function (event) {
      var lat = event.latlng.lat.toFixed(6), lon = event.latlng.lng.toFixed(6);
      latInput.value = lat; lonInput.value = lon;
      if (marker) { marker.setLatLng(event.latlng); } else { marker = window.L.marker(event.latlng).addTo(map); }
    });
  }
}());
