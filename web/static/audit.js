// The auditor's view: draws the case's pinned BPMN with the path taken up to the chosen step and the
// tasks ready then, and steps through the history in place (slider, timeline and previous/next links
// fetch the step's page and swap its state in). Without scripts, the slider's form and links reload.
(function () {
  var container = document.getElementById('audit-diagram')
  var form = document.getElementById('step-form')
  if (!container || !form) { return }
  var slider = document.getElementById('step')
  var output = document.getElementById('step-output')
  var status = document.getElementById('step-status')
  var state = { viewer: null, ready: false, error: null, step: null, path: [], current: [] }
  window.auditDiagram = state

  function markers () {
    var el = document.getElementById('step-markers')
    return { step: Number(el.getAttribute('data-step')), title: el.getAttribute('data-title'),
      path: JSON.parse(el.getAttribute('data-path') || '[]'), current: JSON.parse(el.getAttribute('data-current') || '[]') }
  }

  function mark () {
    if (!state.ready) { return }
    var m = markers()
    var canvas = state.viewer.get('canvas')
    var registry = state.viewer.get('elementRegistry')
    registry.getAll().forEach(function (el) {
      canvas.removeMarker(el.id, 'app-path')
      canvas.removeMarker(el.id, 'app-current')
    })
    var onPath = {}
    m.path.forEach(function (id) { if (registry.get(id)) { onPath[id] = true; canvas.addMarker(id, 'app-path') } })
    registry.filter(function (el) { return el.type === 'bpmn:SequenceFlow' }).forEach(function (flow) {
      if (flow.source && flow.target && onPath[flow.source.id] && onPath[flow.target.id]) { canvas.addMarker(flow.id, 'app-path') }
    })
    m.current.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, 'app-current') } })
    if (state.diagram && String(state.current) !== String(m.current)) {
      state.diagram.focus = m.current.length ? m.current : m.path.slice(-1)
      if (state.step !== null) { window.AppDiagram.focusOn(state.viewer, state.diagram.focus) } // follow the step
    }
    state.step = m.step
    state.path = m.path
    state.current = m.current
  }

  if (window.AppDiagram) {
    // The navigable viewer (diagram-viewer.js), opened on the tasks ready at the step shown.
    var first = markers()
    var diagram = window.AppDiagram.open(container, document.getElementById('audit-diagram-toolbar'),
      first.current.length ? first.current : first.path.slice(-1), function () {
        state.ready = true
        mark()
      })
    state.viewer = diagram.viewer
    state.diagram = diagram
    Object.defineProperty(state, 'error', { get: function () { return diagram.error } })
  }

  function show (step, push, focusHeading) {
    var url = form.getAttribute('data-steps-url') + '?step=' + encodeURIComponent(step)
    return fetch(url, { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status) }
        return response.text()
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, 'text/html')
        ;['audit-step', 'audit-timeline', 'audit-access'].forEach(function (id) {
          var fresh = page.getElementById(id)
          var here = document.getElementById(id)
          if (fresh && here) { here.innerHTML = fresh.innerHTML }
        })
        document.title = page.title
        var m = markers()
        slider.value = String(m.step)
        output.textContent = m.title
        status.textContent = 'Showing ' + m.title
        if (push) { window.history.pushState({ step: m.step }, '', url) }
        if (focusHeading) {
          var heading = document.getElementById('step-heading')
          heading.setAttribute('tabindex', '-1')
          heading.focus()
        }
        mark()
      })
      .catch(function () { window.location.href = url })
  }

  document.getElementById('step-submit').hidden = true
  slider.addEventListener('input', function () { output.textContent = 'Step ' + slider.value + ' of ' + slider.max })
  slider.addEventListener('change', function () { show(slider.value, true) })
  form.addEventListener('submit', function (event) { event.preventDefault(); show(slider.value, true) })
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[data-step]')
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return }
    event.preventDefault()
    show(link.getAttribute('data-step'), true, true)
  })
  window.addEventListener('popstate', function () {
    var step = new URLSearchParams(window.location.search).get('step')
    if (step) { show(step, false) }
  })
})()
