/* The dashboard map. The browser asks only for what it shows: on every move it sends the box and
   the zoom, and the server answers with clusters (counted in SQL, inspections/clusters.py) and
   single premises. A cluster's ring shows its share of compliant (green), not compliant (red) and
   not judged (grey) premises, or, coloured by feed, of premises with a dark feed (red), a feed
   asking for credentials (orange), every feed answering (green) or none probed (grey); its title
   and popup say the same in words. Clicking a cluster zooms
   into it; at the closest zoom, or for premises at one spot, its popup opens the near-point list. Roads are lines. Without tiles (offline)
   the markers still show on a blank background. */
(function () {
  "use strict";
  var box = document.getElementById("city-map");
  if (!box || !window.L) { return; }
  var L = window.L;
  var map = L.map(box, { center: [0.133, 117.495], zoom: 13, maxZoom: 19 });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  // Both colourings (inspections/clusters.py COLOURINGS); a ring lists the worst first.
  var colours = {
    compliant: "#00703c", non_compliant: "#d4351c", not_judged: "#6e7781",
    online: "#00703c", needs_credentials: "#f47738", offline: "#d4351c", never: "#6e7781"
  };
  var orders = { compliance: ["non_compliant", "compliant", "not_judged"], feed: ["offline", "needs_credentials", "online", "never"] };
  var order = orders.compliance;
  var roads = L.layerGroup().addTo(map);
  var shown = L.layerGroup().addTo(map);
  var filter = document.getElementById("map-filter");
  var pending = null;
  var roadsDrawn = false;

  function escape(text) { var d = document.createElement("div"); d.textContent = text; return d.innerHTML; }

  function breakdown(c, labels) {
    return order.filter(function (s) { return c[s]; }).map(function (s) { return c[s] + " " + labels[s]; }).join(" · ");
  }

  function ring(c) {
    var parts = [], start = 0;
    order.forEach(function (s) {
      var end = start + 100 * c[s] / c.count;
      parts.push(colours[s] + " " + start.toFixed(2) + "% " + end.toFixed(2) + "%");
      start = end;
    });
    return "conic-gradient(" + parts.join(", ") + ")";
  }

  function drawCluster(c, labels) {
    var size = c.count < 10 ? 34 : c.count < 1000 ? 42 : 52;
    var title = box.dataset.clusterTitle.replace("%(count)s", c.count) + ": " + breakdown(c, labels);
    var icon = L.divIcon({
      className: "map-cluster",
      iconSize: [size, size],
      html: '<span style="background:' + ring(c) + '"><b>' + c.count + "</b></span>"
    });
    var marker = L.marker([c.lat, c.lon], { icon: icon, title: title, alt: title, keyboard: true }).addTo(shown);
    var oneSpot = c.bounds[0][0] === c.bounds[1][0] && c.bounds[0][1] === c.bounds[1][1];
    if (oneSpot || map.getZoom() >= map.getMaxZoom()) {
      // The near-point list around the cluster's middle, wide enough to hold all of it.
      var radius = Math.max(10, Math.ceil(Math.max(map.distance([c.lat, c.lon], c.bounds[0]), map.distance([c.lat, c.lon], c.bounds[1]))) + 1);
      var near = box.dataset.nearUrl + "?latitude=" + c.lat + "&longitude=" + c.lon + "&radius_m=" + radius;
      marker.bindPopup(escape(title) + '<br><a href="' + near + '">' + escape(box.dataset.listHere) + "</a>");
    } else {
      marker.on("click", function () { map.fitBounds(c.bounds, { padding: [24, 24], maxZoom: map.getMaxZoom() }); });
    }
  }

  function drawMarker(m, labels) {
    L.circleMarker([m.lat, m.lon], { radius: 8, color: "#fff", weight: 2, fillColor: colours[m.status], fillOpacity: 0.95, bubblingMouseEvents: false })
      .bindPopup('<a href="' + m.url + '">' + escape(m.name) + "</a><br>" + escape(labels[m.status]))
      .addTo(shown);
  }

  function load() {
    if (pending) { pending.abort(); }
    pending = window.AbortController ? new AbortController() : null;
    var params = new URLSearchParams(new FormData(filter));
    params.set("bbox", map.getBounds().toBBoxString());
    params.set("zoom", String(map.getZoom()));
    fetch(box.dataset.url + "?" + params.toString(), { headers: { "Accept": "application/json" }, signal: pending && pending.signal })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        shown.clearLayers();
        order = orders[data.colouring] || orders.compliance;
        document.querySelectorAll("[data-legend]").forEach(function (legend) { legend.hidden = legend.dataset.legend !== data.colouring; });
        if (!roadsDrawn) {
          data.roads.forEach(function (road) {
            L.polyline(road.line, { color: "#0b5cab", weight: 4, opacity: 0.6 }).bindTooltip(road.name).addTo(roads);
          });
          roadsDrawn = true;
        }
        data.clusters.forEach(function (c) { drawCluster(c, data.labels); });
        data.markers.forEach(function (m) { drawMarker(m, data.labels); });
        var total = data.markers.length + data.clusters.reduce(function (sum, c) { return sum + c.count; }, 0);
        box.setAttribute("data-markers", String(total));
        box.setAttribute("data-clusters", String(data.clusters.length));
      })
      .catch(function (error) { if (error.name !== "AbortError") { throw error; } });
  }
  filter.addEventListener("change", load);
  map.on("moveend", load);
  // Pick the point of the near-point search by clicking the map (or type it in the form).
  var nearForm = document.getElementById("near-form");
  if (nearForm) {
    map.on("click", function (event) {
      nearForm.querySelector("[name=latitude]").value = event.latlng.lat.toFixed(6);
      nearForm.querySelector("[name=longitude]").value = event.latlng.lng.toFixed(6);
      if (nearForm.requestSubmit) { nearForm.requestSubmit(); } else { nearForm.submit(); }
    });
  }
  if (box.dataset.nearLat) {
    var centre = [parseFloat(box.dataset.nearLat), parseFloat(box.dataset.nearLon)];
    L.circle(centre, { radius: parseFloat(box.dataset.nearRadius), color: "#ffbf47" }).addTo(map);
    map.setView(centre, 16);
  }
  load();
}());
