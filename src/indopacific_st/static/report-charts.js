/* Draws the report's charts to fit their column, gives each figure image exports that work from
   the keyboard, and builds each figure's table view and CSV download from the chart's own data.
   Loaded with `defer` after the Vega runtime, so neither blocks first paint. Each chart's inline
   script queued [element id, {vega, datasets, table}] in window.reportCharts: the Vega spec
   compiled at build time, its datasets in columns, and the plotted data's table. */
(function () {
  "use strict";
  var WIDE = 760; // below this column width, legends wrap onto several lines
  var LEGEND_OFFSET = 130; // px: the axis labels left of a legend
  var LEGEND_ENTRY = 110; // px: one legend entry
  var drawn = {}; // element id -> {spec, view, width}
  var tooltip = new vegaTooltip.Handler().call;

  // The spec with every view width and label limit scaled by factor (data left alone).
  function scaled(node, factor) {
    if (Array.isArray(node)) {
      return node.map(function (item) { return scaled(item, factor); });
    }
    if (!node || typeof node !== "object") {
      return node;
    }
    var copy = {};
    Object.keys(node).forEach(function (name) {
      var value = node[name];
      if (name === "values") {
        copy[name] = value;
      } else if (name === "width" && typeof value === "number") {
        copy[name] = Math.max(60, Math.floor(value * factor));
      } else if (name === "labelLimit" && typeof value === "number") {
        copy[name] = Math.max(80, Math.floor(value * factor));
      } else if (name === "limit" && value && typeof value.value === "number") {
        copy[name] = { value: Math.max(80, Math.floor(value.value * factor)) };
      } else if (name === "value" && typeof value === "number" && /width$/i.test(node.name || "")) {
        copy[name] = Math.max(60, Math.floor(value * factor)); // a concat or facet view's width
      } else {
        copy[name] = scaled(value, factor);
      }
    });
    return copy;
  }

  // stacked: the legends above the chart one under the other, not side by side.
  function fitted(spec, factor, available, stacked) {
    var result = scaled(spec, factor);
    if (available < WIDE) {
      // A legend sits right of the axis labels: as many entries a line as the column holds.
      var columns = Math.max(1, Math.floor((available - LEGEND_OFFSET) / LEGEND_ENTRY));
      var legend = { columns: columns };
      if (stacked) {
        legend.layout = { top: { direction: "vertical" } };
      }
      result.config = Object.assign({}, result.config);
      result.config.legend = Object.assign({}, result.config.legend, legend);
    }
    return result;
  }

  // Whether the legends, side by side, end past the column (a narrow phone's): shrinking the
  // plot would not bring them in, stacking them does.
  function legendsTooWide(target, available) {
    var legends = target.querySelectorAll("svg g.role-legend");
    var left = target.getBoundingClientRect().left;
    return legends.length > 1 && Array.prototype.some.call(legends, function (legend) {
      return legend.getBoundingClientRect().right - left > available + 1;
    });
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
    function attempt(factor, tries, stacked) {
      var view = new vega.View(vega.parse(fitted(spec, factor, available, stacked)), {
        renderer: "svg",
        container: target,
      });
      view.tooltip(tooltip);
      return view.runAsync().then(function () {
        var svg = target.querySelector("svg");
        var width = svg ? svg.getBoundingClientRect().width : 0;
        if (width > available + 1 && !stacked && legendsTooWide(target, available)) {
          view.finalize();
          return attempt(factor, tries, true);
        }
        if (width > available + 1 && tries < 6) {
          view.finalize();
          return attempt(factor * (available / width) * 0.97, tries + 1, stacked);
        }
        drawn[id].view = view;
        target.classList.add("report-chart-drawn");
        return view;
      });
    }
    return attempt(1, 0, false).catch(function (error) {
      target.textContent = "Chart could not be drawn: " + error;
    });
  }

  // The Vega spec with its datasets' rows put back, as objects.
  function withData(payload) {
    var spec = Object.assign({}, payload.vega);
    spec.data = (spec.data || []).map(function (entry) {
      var dataset = payload.datasets[entry.name];
      if (!dataset) {
        return entry;
      }
      var values = dataset.rows.map(function (row) {
        var item = {};
        dataset.columns.forEach(function (column, i) { item[column] = row[i]; });
        return item;
      });
      return Object.assign({}, entry, { values: values });
    });
    return spec;
  }

  // The plotted data as text cells: from the chart's dataset when the table names one.
  function cells(payload) {
    var table = payload.table;
    if (!table.dataset) {
      return table.rows;
    }
    var dataset = payload.datasets[table.dataset];
    var index = table.fields.map(function (field) { return dataset.columns.indexOf(field); });
    return dataset.rows.map(function (row) {
      return index.map(function (i) { return row[i] === null ? "" : String(row[i]); });
    });
  }

  function csvField(text) {
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function tableElement(titles, rows) {
    var table = document.createElement("table");
    table.className = "report-data-table";
    var head = table.createTHead().insertRow();
    titles.forEach(function (title) {
      var cell = document.createElement("th");
      cell.scope = "col";
      cell.textContent = title;
      head.appendChild(cell);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var line = body.insertRow();
      row.forEach(function (text) { line.insertCell().textContent = text; });
    });
    return table;
  }

  // The figure's "Data (CSV)" link and "Data as a table" view, from the same cells.
  function offerData(id, payload) {
    var figure = document.getElementById(id);
    figure = figure && figure.closest(".report-figure");
    if (!figure || !payload.table) {
      return;
    }
    var rows = cells(payload);
    var titles = payload.table.titles;
    var lines = [titles].concat(rows).map(function (row) { return row.map(csvField).join(","); });
    var link = figure.querySelector("a.report-data-link");
    if (link) {
      link.href = "data:text/csv;charset=utf-8," + encodeURIComponent(lines.join("\n") + "\n");
    }
    var holder = figure.querySelector(".report-figure-data .report-scroll");
    if (holder) {
      holder.appendChild(tableElement(titles, rows));
    }
  }

  // Image exports as buttons that work from the keyboard, named after the figure.
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

  function receive(item) {
    offerData(item[0], item[1]);
    draw(item[0], withData(item[1]));
  }
  var queued = window.reportCharts || [];
  window.reportCharts = { push: receive };
  queued.forEach(receive);
})();
