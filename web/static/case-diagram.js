// Draws the case's pinned BPMN with bpmn-js and outlines the tasks that are ready now.
(function () {
  var container = document.getElementById('diagram')
  if (!container || typeof BpmnJS !== 'function') { return }
  var current = JSON.parse(container.getAttribute('data-current') || '[]')
  var viewer = new BpmnJS({ container: container })
  window.caseDiagram = { viewer: viewer, current: current, ready: false, error: null }
  fetch(container.getAttribute('data-diagram-url'), { credentials: 'same-origin' })
    .then(function (response) { return response.text() })
    .then(function (xml) { return viewer.importXML(xml) })
    .then(function () {
      var canvas = viewer.get('canvas')
      canvas.zoom('fit-viewport')
      current.forEach(function (id) { canvas.addMarker(id, 'app-current') })
      window.caseDiagram.ready = true
    })
    .catch(function (err) {
      window.caseDiagram.error = String(err && err.message || err)
      container.textContent = 'The diagram could not be drawn.'
    })
})()
