/* The dashboard map: markers coloured by status (the popup also says it in words), clustered,
   protocol roads as lines. Without tiles (offline) the markers still show on a blank background. */
(function () {
  "use strict";
  var box = document.getElementById("city-map");
  if (!box || !window.L) { return; }
  var map = window.L.map(box, { center: [0.133, 117.495], zoom: 13 });
  window.L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  var colours = { compliant: "#00703c", non_compliant: "#d4351c", not_judged: "#6e7781" };
  var markers = window.L.markerClusterGroup ? window.L.markerClusterGroup() : window.L.layerGroup();
  var roads = window.L.layerGroup().addTo(map);
  markers.addTo(map);

  function escape(text) { var d = document.createElement("div"); d.textContent = text; return d.innerHTML; }

  function load() {
    var params = new URLSearchParams(new FormData(document.getElementById("map-filter")));
    fetch(box.dataset.url + "?" + params.toString(), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        markers.clearLayers();
        roads.clearLayers();
        data.roads.forEach(function (road) {
          window.L.polyline(road.line, { color: "#0b5cab", weight: 4, opacity: 0.6 }).bindTooltip(road.name).addTo(roads);
        });
        data.markers.forEach(function (m) {
          window.L.circleMarker([m.lat, m.lon], { radius: 8, color: "#fff", weight: 2, fillColor: colours[m.status], fillOpacity: 0.95 })
            .bindPopup('<a href="' + m.url + '">' + escape(m.name) + "</a><br>" + escape(m.label))
            .addTo(markers);
        });
        box.setAttribute("data-markers", String(data.markers.length));
      });
  }
  document.getElementById("map-filter").addEventListener("change", load);
  load();
  // Pick the point of the near-point search by clicking the map (or type it in the form).
  var near = document.getElementById("near-form");
  if (near) {
    map.on("click", function (event) {
      near.querySelector("[name=latitude]").value = event.latlng.lat.toFixed(6);
      near.querySelector("[name=longitude]").value = event.latlng.lng.toFixed(6);
      if (near.requestSubmit) { near.requestSubmit(); } else { near.submit(); }
    });
  }
  if (box.dataset.nearLat) {
    var centre = [parseFloat(box.dataset.nearLat), parseFloat(box.dataset.nearLon)];
    window.L.circle(centre, { radius: parseFloat(box.dataset.nearRadius), color: "#ffbf47" }).addTo(map);
    map.setView(centre, 16);
  }
}());
