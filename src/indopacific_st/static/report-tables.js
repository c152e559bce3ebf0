/* Sortable, searchable and filterable report tables, drawn by simple-datatables (vendored beside
 * this file). Progressive enhancement: the page holds the plain table, which reads without
 * JavaScript and prints as it is.
 *
 * A table opts in with the class report-sortable (display.Table writes it). Its classes name the
 * columns offered as filters, report-filter-<column>; among them the columns whose cells list
 * several values separated by LIST_SEPARATOR (display.LIST_SEPARATOR), report-list-<column>; and
 * the columns of dates written for readers ("16 April 2021", "April 2021", "2021"),
 * report-date-<column>, which sort as dates. */
(function () {
  "use strict";

  const LIST_SEPARATOR = ", ";
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  const FILTER_SOURCE = "report-filter-";

  // As display.class_name writes a column name into a class.
  function className(text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  // As simple-datatables prepares a query (sensitivity "base"): lower case, no accents.
  function folded(text) {
    return text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase().trim();
  }

  function values(text, isList) {
    return (isList ? text.split(LIST_SEPARATOR) : [text]).map((v) => v.trim()).filter(Boolean);
  }

  // "16 April 2021" -> "2021-04-16"; a month or a year alone sorts before its first day.
  function dateKey(text) {
    const match = text.trim().match(/^(?:(\d{1,2}) )?(?:([A-Z][a-z]+) )?(\d{4})$/);
    if (!match) {
      return text;
    }
    const month = match[2] ? MONTHS.indexOf(match[2]) + 1 : 0;
    const day = match[1] ? Number(match[1]) : 0;
    return `${match[3]}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  }

  function escaped(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function columnsNamed(table, prefix, headers) {
    return headers.flatMap((name, i) => (table.classList.contains(prefix + className(name)) ? [i] : []));
  }

  // A filter matches a cell holding its value; the search box matches any part of a cell.
  function filterOrSearch(lists) {
    return (terms, cell, row, column, source) => {
      const text = folded(cell.text || "");
      if (source.startsWith(FILTER_SOURCE)) {
        return values(text, lists.includes(column)).some((value) => terms.includes(value));
      }
      return terms.some((term) => text.includes(term));
    };
  }

  let hintWritten = false;

  function layout(table, filters, headers, choices) {
    // The hint that sort buttons point to (aria-describedby="sort-hint"): once per page.
    const hint = hintWritten ? "" : '<p hidden id="sort-hint">Activate to sort by this column</p>';
    hintWritten = true;
    const field = (id, label, control) =>
      `<div class="report-table-filter"><label for="${id}">${escaped(label)}</label>${control}</div>`;
    const selects = filters.map((column, k) => {
      const id = `${table.id}-filter-${column}`;
      const options = choices[k].map((v) => `<option>${escaped(v)}</option>`).join("");
      return field(id, headers[column],
        `<select id="${id}" data-column="${column}"><option value="">All</option>${options}</select>`);
    }).join("");
    return (options) =>
      `<div class="${options.classes.top}">${selects}` +
      field(`${table.id}-search`, "Search",
        `<input id="${table.id}-search" class="${options.classes.input}" type="search">`) +
      `</div><div class="${options.classes.container}">${hint}</div>` +
      `<div class="${options.classes.bottom}"><p class="report-table-count" role="status"></p></div>`;
  }

  function enhance(table, number) {
    table.id = table.id || `report-table-${number}`;
    const headers = [...table.tHead.rows[0].cells].map((cell) => cell.innerText.trim());
    const rows = [...table.tBodies[0].rows];
    const filters = columnsNamed(table, "report-filter-", headers);
    const lists = columnsNamed(table, "report-list-", headers);
    const dates = columnsNamed(table, "report-date-", headers);
    const choices = filters.map((column) => [...new Set(rows.flatMap((row) =>
      values(row.cells[column].innerText, lists.includes(column))))].sort());
    const total = rows.length;
    // The book sets column widths on <col> elements, which the library does not keep: the header
    // cells carry them instead.
    const widths = [...table.querySelectorAll("colgroup col")].map((col) => col.style.width);
    [...table.tHead.rows[0].cells].forEach((cell, i) => {
      if (widths[i]) {
        cell.style.width = widths[i];
      }
    });

    const dataTable = new window.simpleDatatables.DataTable(table, {
      paging: false,
      fixedColumns: false,
      searchable: true,
      ignorePunctuation: false,
      template: layout(table, filters, headers, choices),
      columns: filters.length ? [{ select: filters, searchMethod: filterOrSearch(lists) }] : [],
      labels: { noRows: "No rows", noResults: "No row matches" },
    });
    for (const column of dates) {
      for (const row of dataTable.data.data) {
        row.cells[column].order = dateKey(row.cells[column].text || "");
      }
    }

    const wrapper = dataTable.wrapperDOM;
    const count = wrapper.querySelector(".report-table-count");
    const shown = () => {
      const matching = [...table.tBodies[0].rows].filter((row) => !row.querySelector(".datatable-empty"));
      count.textContent = `Showing ${matching.length} of ${total} rows.`;
    };
    for (const select of wrapper.querySelectorAll("select[data-column]")) {
      select.addEventListener("change", () => {
        const column = Number(select.dataset.column);
        const query = select.value ? [{ terms: [select.value], columns: [column] }] : [];
        dataTable.multiSearch(query, FILTER_SOURCE + column);
      });
    }
    dataTable.on("datatable.update", shown);
    dataTable.on("datatable.multisearch", shown);
    dataTable.on("datatable.search", shown);
    shown();
  }

  function enhanceAll() {
    if (!window.simpleDatatables) {
      return;
    }
    document.querySelectorAll("table.report-sortable").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
