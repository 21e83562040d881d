<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data catalog · Agnes</title>
<link rel="stylesheet" href="${mvc.basePath}/static/agnes.css">
</head>
<body class="standalone catalog-page">
<header class="topbar">
  <a class="brand" href="${mvc.basePath}/" id="back-home">Agnes</a>
  <nav>
    <span class="page-name">Data catalog</span>
    <a href="${mvc.basePath}/query">Query</a>
  </nav>
</header>
<main class="content" id="catalog">
  <c:choose>
    <c:when test="${noData}">
      <div class="empty-state card" id="catalog-empty">
        <h1>Data catalog</h1>
        <p>No data yet — an admin can run a sync.</p>
        <p class="muted">The tables appear here after the first successful sync of the declared sources.</p>
        <p><a href="${mvc.basePath}/">Back to the dashboard</a></p>
      </div>
    </c:when>
    <c:otherwise>
      <div class="catalog-head">
        <h1>Data catalog</h1>
        <label class="filter">Filter
          <input type="search" id="catalog-filter" placeholder="table, column, tag, source…" autocomplete="off">
        </label>
        <p class="muted" id="catalog-count" aria-live="polite"><c:out value="${tables.size()} ${tables.size() == 1 ? 'table' : 'tables'}"/></p>
      </div>
      <p class="muted" id="catalog-no-match" hidden>No table matches the filter.</p>
      <c:if test="${empty tables}"><p class="muted">The last sync produced no tables.</p></c:if>
      <c:forEach items="${tables}" var="t">
        <section class="card catalog-table" id="catalog-table-<c:out value='${t.name}'/>" data-table="<c:out value='${t.name}'/>">
          <div class="catalog-table-head">
            <h2><code><c:out value="${t.name}"/></code></h2>
            <span class="muted">from <span class="catalog-source"><c:out value="${t.source}"/></span>
              · <span class="catalog-rows"><c:out value="${t.rowCount}"/></span> rows
              · <c:out value="${t.columns.size()} ${t.columns.size() == 1 ? 'column' : 'columns'}"/></span>
          </div>
          <c:if test="${not empty t.description}"><p class="catalog-description"><c:out value="${t.description}"/></p></c:if>
          <c:if test="${not empty t.tags}">
            <ul class="tags"><c:forEach items="${t.tags}" var="tag"><li class="tag"><c:out value="${tag}"/></li></c:forEach></ul>
          </c:if>
          <ul class="columns">
            <c:forEach items="${t.columns}" var="col">
              <li class="column"><span class="column-name"><c:out value="${col.name}"/></span> <span class="column-type"><c:out value="${col.type}"/></span></li>
            </c:forEach>
          </ul>
        </section>
      </c:forEach>
    </c:otherwise>
  </c:choose>
</main>
<script src="${mvc.basePath}/static/catalog.js" defer></script>
</body>
</html>
