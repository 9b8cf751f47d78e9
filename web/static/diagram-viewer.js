// A process diagram people can find their way round: bpmn-js's NavigatedViewer (drag to pan, Ctrl and
// the mouse wheel to zoom), opened on the steps that matter now at a scale whose words can be read, with
// buttons to zoom in, zoom out, see the whole diagram and go back to the current step, and the keyboard
// (arrow keys to move, + and - to zoom) once the diagram has focus. window.AppDiagram.open(container,
// toolbar, focus, onReady) returns the viewer's state, which the browser tests read; the modeller uses its zoom
// buttons (controls) and its readable first view (startView).
(function () {
  var READABLE = 0.8 // bpmn-js writes names in 12 px text at scale 1: below about 0.8 they are hard to read
  var STEP = 1.25
  var MIN = 0.1
  var MAX = 3
  var MOVE = 60

  function bounds (elements) {
    var box = null
    elements.forEach(function (el) {
      if (el.waypoints || el.width === undefined) { return }
      var x2 = el.x + el.width
      var y2 = el.y + el.height
      box = box ? { x: Math.min(box.x, el.x), y: Math.min(box.y, el.y), x2: Math.max(box.x2, x2), y2: Math.max(box.y2, y2) }
        : { x: el.x, y: el.y, x2: x2, y2: y2 }
    })
    return box && { x: box.x, y: box.y, width: box.x2 - box.x, height: box.y2 - box.y }
  }

  function centreOn (canvas, box, scale) {
    var outer = canvas.viewbox().outer
    var width = outer.width / scale
    var height = outer.height / scale
    canvas.viewbox({ x: box.x + box.width / 2 - width / 2, y: box.y + box.height / 2 - height / 2, width: width, height: height })
  }

  // The steps in `ids` in view: all of them when they fit at a readable scale (never above 1:1), else
  // the first at the readable scale; the whole diagram when none of them is drawn.
  function focusOn (viewer, ids) {
    var canvas = viewer.get('canvas')
    var registry = viewer.get('elementRegistry')
    var shapes = ids.map(function (id) { return registry.get(id) }).filter(Boolean)
    var box = bounds(shapes)
    if (!box) { canvas.zoom('fit-viewport', 'auto'); return }
    var outer = canvas.viewbox().outer
    var pad = 60
    var scale = Math.min(1, outer.width / (box.width + 2 * pad), outer.height / (box.height + 2 * pad))
    if (scale < READABLE) {
      scale = READABLE
      box = bounds([shapes[0]])
    }
    centreOn(canvas, box, scale)
  }

  // Each lane's name kept in view at the diagram's left edge while the lane's own header is scrolled
  // off it, so that whoever does the steps shown is always named.
  function laneLabels (viewer, container) {
    var canvas = viewer.get('canvas')
    var layer = document.createElement('div')
    layer.className = 'app-lane-labels'
    layer.setAttribute('aria-hidden', 'true') // the diagram itself names the lanes to assistive technology
    container.appendChild(layer)
    var lanes = viewer.get('elementRegistry').filter(function (el) { return el.type === 'bpmn:Lane' && el.businessObject.name })
    var labels = lanes.map(function (lane) {
      var label = document.createElement('span')
      label.className = 'app-lane-label'
      label.setAttribute('data-lane', lane.id)
      label.textContent = lane.businessObject.name
      layer.appendChild(label)
      return label
    })
    function place () {
      var box = canvas.viewbox()
      lanes.forEach(function (lane, i) {
        var top = Math.max((lane.y - box.y) * box.scale, 0)
        var bottom = Math.min((lane.y + lane.height - box.y) * box.scale, box.outer.height)
        var headerShown = (lane.x - box.x) * box.scale >= 0
        labels[i].hidden = headerShown || bottom - top < 28
        labels[i].style.top = (top + 4) + 'px'
      })
    }
    viewer.on('canvas.viewbox.changed', place)
    place()
  }

  function zoomBy (canvas, factor) {
    var scale = Math.max(MIN, Math.min(MAX, canvas.zoom() * factor))
    canvas.zoom(scale) // about the middle of what is shown
  }

  // The diagram from its top left corner, clear of `left` pixels (the modeller's palette), at a
  // readable scale: the whole of it if that is readable, else as much as fits at the readable scale.
  function startView (canvas, left) {
    var box = canvas.viewbox()
    var inner = box.inner
    var outer = box.outer
    var fits = Math.min((outer.width - left - 20) / inner.width, (outer.height - 40) / inner.height)
    var scale = fits >= READABLE ? Math.min(1, fits) : READABLE
    canvas.viewbox({ x: inner.x - left / scale, y: inner.y - 20 / scale, width: outer.width / scale, height: outer.height / scale })
  }

  // The zoom buttons of `toolbar` (data-zoom="in|out|fit|current", and a data-zoom-status that says the
  // scale) working on `viewer`; `current` is what "current" does. Returns the actions by name.
  function controls (viewer, toolbar, current, state) {
    var canvas = viewer.get('canvas')
    var status = toolbar && toolbar.querySelector('[data-zoom-status]')
    var actions = {
      in: function () { zoomBy(canvas, STEP) },
      out: function () { zoomBy(canvas, 1 / STEP) },
      fit: function () { canvas.zoom('fit-viewport', 'auto') },
      current: current
    }
    function said () {
      state.scale = canvas.zoom()
      if (status) { status.textContent = 'Zoom: ' + Math.round(state.scale * 100) + '%' }
    }
    viewer.on('canvas.viewbox.changed', said)
    if (toolbar) {
      toolbar.hidden = false
      toolbar.addEventListener('click', function (event) {
        var button = event.target.closest && event.target.closest('button[data-zoom]')
        if (button) { actions[button.getAttribute('data-zoom')]() }
      })
    }
    said()
    return actions
  }

  function open (container, toolbar, focus, onReady) {
    var state = { viewer: null, ready: false, error: null, focus: focus || [], scale: null }
    if (typeof BpmnJS !== 'function') {
      state.error = 'bpmn-js did not load'
      return state
    }
    var viewer = state.viewer = new BpmnJS({ container: container })
    fetch(container.getAttribute('data-diagram-url'), { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status) }
        return response.text()
      })
      .then(function (xml) { return viewer.importXML(xml) })
      .then(function () {
        var canvas = viewer.get('canvas')
        state.focus.forEach(function (id) { if (viewer.get('elementRegistry').get(id)) { canvas.addMarker(id, 'app-current') } })
        laneLabels(viewer, container)
        focusOn(viewer, state.focus)
        var actions = state.actions = controls(viewer, toolbar, function () { focusOn(viewer, state.focus) }, state)
        var svg = container.querySelector('svg')
        if (svg) {
          svg.setAttribute('role', 'application')
          svg.setAttribute('aria-label', container.getAttribute('data-label') || 'Process diagram')
          svg.addEventListener('keydown', function (event) { keys(event, canvas, actions) })
        }
        // A window made narrower or wider (a phone turned, a window resized) keeps the current step in view.
        // Not while the diagram is hidden or not laid out (no width or height): bpmn-js cannot scale to nothing.
        var width = container.clientWidth
        window.addEventListener('resize', function () {
          if (container.clientWidth === width) { return }
          width = container.clientWidth
          if (!container.clientWidth || !container.clientHeight) { return }
          canvas.resized()
          var outer = canvas.viewbox().outer
          if (!(outer.width > 0 && outer.height > 0)) { return }
          focusOn(viewer, state.focus)
        })
        state.ready = true
        if (onReady) { onReady(state) }
      })
      .catch(function (err) {
        state.error = String(err && err.message || err)
        container.textContent = 'The diagram could not be drawn.'
      })
    return state
  }

  function keys (event, canvas, actions) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return } // bpmn-js's own Ctrl+arrows still move
    var moves = { ArrowLeft: [MOVE, 0], ArrowRight: [-MOVE, 0], ArrowUp: [0, MOVE], ArrowDown: [0, -MOVE] }
    var named = { '+': 'in', '=': 'in', '-': 'out', 0: 'fit' }
    if (moves[event.key]) {
      canvas.scroll({ dx: moves[event.key][0], dy: moves[event.key][1] })
    } else if (named[event.key]) {
      actions[named[event.key]]()
    } else {
      return
    }
    event.preventDefault()
  }

  window.AppDiagram = { open: open, focusOn: focusOn, startView: startView, controls: controls, READABLE: READABLE }
})()
