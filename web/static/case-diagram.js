// The case page's diagram: the case's pinned BPMN in the navigable viewer (diagram-viewer.js), opened
// on the steps waiting now, which are outlined in blue.
(function () {
  var container = document.getElementById('diagram')
  if (!container || !window.AppDiagram) { return }
  var focus = JSON.parse(container.getAttribute('data-current') || '[]')
  window.caseDiagram = window.AppDiagram.open(container, document.getElementById('diagram-toolbar'), focus)
})()
