// The dashboard map: ledger events as circle markers on a plain latitude/longitude grid.
// No tiles are fetched: the page may load nothing from elsewhere (CSP default-src 'self').
// Values come from a JSON data block and are set with textContent, never as HTML.
(function () {
  "use strict";
  var el = document.getElementById("map");
  var dataEl = document.getElementById("map-data");
  if (!el || !dataEl || typeof L === "undefined") return;
  var points = JSON.parse(dataEl.textContent || "[]");
  var map = L.map(el, { worldCopyJump: true, attributionControl: false }).setView([35, 15], 2);
  for (var lat = -60; lat <= 80; lat += 20) {
    L.polyline([[lat, -180], [lat, 180]], { color: "#9fb3c8", weight: 1, interactive: false }).addTo(map);
  }
  for (var lon = -180; lon <= 180; lon += 30) {
    L.polyline([[-85, lon], [85, lon]], { color: "#9fb3c8", weight: 1, interactive: false }).addTo(map);
  }
  var colours = { verified: "#2e7d32", disputed: "#d48a00", rejected: "#a00", corroborated: "#1f5fa8" };
  var bounds = [];
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 5 + Math.min(p.sources || 1, 6),
      color: colours[p.status] || "#555",
      weight: 2,
      fillOpacity: 0.5,
    }).addTo(map);
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = "/events/" + encodeURIComponent(p.id);
    link.textContent = (p.type || "event") + " · " + (p.date || "undated");
    var where = document.createElement("div");
    where.textContent = (p.location || "") + " · " + p.status + " · " + (p.sources || 1) + " source(s)";
    box.appendChild(link);
    box.appendChild(where);
    marker.bindPopup(box);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 6 });
})();
