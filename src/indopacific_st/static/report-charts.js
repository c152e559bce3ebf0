/* Draws the report's charts to fit their column and gives each figure image exports that work
   from the keyboard. Loaded with `defer` after the vega bundle, so neither blocks first paint.
   Each chart's inline script queued [element id, Vega-Lite spec] in window.reportCharts. */
(function () {
  "use strict";
  var WIDE = 760; // below this column width, legends wrap onto several lines
  var LEGEND_OFFSET = 130; // px: the axis labels left of a legend
  var LEGEND_ENTRY = 110; // px: one legend entry
  var drawn = {}; // element id -> {spec, view, width}

  // The spec with every view width and axis label limit scaled by factor (data left alone).
  function scaled(node, factor) {
    if (Array.isArray(node)) {
      return node.map(function (item) { return scaled(item, factor); });
    }
    if (!node || typeof node !== "object") {
      return node;
    }
    var copy = {};
    Object.keys(node).forEach(function (key) {
      var value = node[key];
      if (key === "datasets" || key === "data") {
        copy[key] = value;
      } else if (key === "width" && typeof value === "number") {
        copy[key] = Math.max(60, Math.floor(value * factor));
      } else if ((key === "labelLimit" || key === "limit") && typeof value === "number") {
        copy[key] = Math.max(80, Math.floor(value * factor));
      } else {
        copy[key] = scaled(value, factor);
      }
    });
    return copy;
  }

  function fitted(spec, factor, available) {
    var result = scaled(spec, factor);
    if (available < WIDE) {
      // A legend sits right of the axis labels: as many entries a line as the column holds.
      var columns = Math.max(1, Math.floor((available - LEGEND_OFFSET) / LEGEND_ENTRY));
      result.config = Object.assign({}, result.config);
      result.config.legend = Object.assign({}, result.config.legend, { columns: columns });
    }
    return result;
  }

  // Draw, measure, and draw again smaller until the chart fits its column.
  function draw(id, spec) {
    var target = document.getElementById(id);
    if (!target) {
      return;
    }
    var available = target.clientWidth;
    var previous = drawn[id] && drawn[id].view;
    if (previous) {
      previous.finalize();
    }
    drawn[id] = { spec: spec, view: null, width: available };
    function attempt(factor, tries) {
      return vegaEmbed(target, fitted(spec, factor, available), {
        actions: false,
        renderer: "svg",
      }).then(function (result) {
        var svg = target.querySelector("svg");
        var width = svg ? svg.getBoundingClientRect().width : 0;
        if (width > available + 1 && tries < 6) {
          result.finalize();
          return attempt(factor * (available / width) * 0.97, tries + 1);
        }
        drawn[id].view = result.view;
        target.classList.add("report-chart-drawn");
        return result;
      });
    }
    return attempt(1, 0).catch(function (error) {
      target.textContent = "Chart could not be drawn: " + error;
    });
  }

  // Image exports as buttons: vega-embed's own menu links act on mouse clicks only.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".report-export") : null;
    if (!button) {
      return;
    }
    var entry = drawn[button.getAttribute("data-chart")];
    if (!entry || !entry.view) {
      return;
    }
    var format = button.getAttribute("data-format");
    var figure = button.closest(".report-figure");
    var name = (figure && figure.getAttribute("data-file-name")) || "figure";
    entry.view.toImageURL(format, format === "png" ? 2 : 1).then(function (url) {
      var link = document.createElement("a");
      link.href = url;
      link.download = name + "." + format;
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  });

  var waiting;
  window.addEventListener("resize", function () {
    clearTimeout(waiting);
    waiting = setTimeout(function () {
      Object.keys(drawn).forEach(function (id) {
        var target = document.getElementById(id);
        if (target && Math.abs(target.clientWidth - drawn[id].width) > 8) {
          draw(id, drawn[id].spec);
        }
      });
    }, 200);
  });

  var queued = window.reportCharts || [];
  window.reportCharts = { push: function (item) { draw(item[0], item[1]); } };
  queued.forEach(function (item) { draw(item[0], item[1]); });
})();
