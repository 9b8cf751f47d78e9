// The process owners' modeller: bpmn-js Modeler with the Camunda 7 properties panel (camunda-bpmn-moddle),
// opening a deployed version. Validate and Deploy send the diagram to the server, which runs the same
// checks as `reintegrate process validate`; problems are drawn on the elements they name and listed in a
// GOV.UK error summary. window.processModeller exposes the state to the browser tests.
(function () {
  var root = document.getElementById('modeller')
  if (!root || typeof BpmnJS !== 'function' || !window.BpmnJSPropertiesPanel || !window.AppDiagram) { return }
  var panel = window.BpmnJSPropertiesPanel
  var summary = document.getElementById('problems')
  var status = document.getElementById('modeller-status')
  var state = window.processModeller = { ready: false, error: null, modeler: null, problems: null, deployed: null, scale: null }
  var overlayIds = []
  var marked = []

  function json (response) { return response.json() }

  // How far from the canvas's left edge the palette reaches, in screen pixels.
  function paletteRight () {
    var palette = root.querySelector('.djs-palette')
    var canvas = document.getElementById('modeller-canvas')
    return palette ? palette.getBoundingClientRect().right - canvas.getBoundingClientRect().left + 20 : 20
  }

  function say (text) {
    status.textContent = text
    status.hidden = !text
  }

  function clearProblems () {
    var modeler = state.modeler
    overlayIds.forEach(function (id) { modeler.get('overlays').remove(id) })
    marked.forEach(function (id) { modeler.get('canvas').removeMarker(id, 'app-problem') })
    overlayIds = []
    marked = []
    summary.hidden = true
    document.getElementById('problems-list').textContent = ''
  }

  function focusElement (id) {
    var registry = state.modeler.get('elementRegistry')
    var element = registry.get(id)
    if (!element) { return }
    state.modeler.get('canvas').scrollToElement(element)
    state.modeler.get('selection').select(element)
  }

  function showProblems (problems) {
    clearProblems()
    state.problems = problems
    if (!problems.length) { return }
    var registry = state.modeler.get('elementRegistry')
    var list = document.getElementById('problems-list')
    var onDiagram = 0
    problems.forEach(function (problem) {
      var element = problem.element && registry.get(problem.element)
      var item = document.createElement('li')
      var link = document.createElement('a')
      link.href = '#modeller-canvas'
      link.textContent = problem.text
      item.appendChild(link)
      list.appendChild(item)
      if (!element) { return }
      onDiagram += 1
      link.addEventListener('click', function (event) {
        event.preventDefault()
        focusElement(problem.element)
      })
      if (marked.indexOf(problem.element) === -1) {
        state.modeler.get('canvas').addMarker(problem.element, 'app-problem')
        marked.push(problem.element)
      }
      var badge = document.createElement('div')
      badge.className = 'app-problem-badge'
      badge.setAttribute('data-problem-for', problem.element)
      badge.title = problem.message
      badge.textContent = '!'
      overlayIds.push(state.modeler.get('overlays').add(problem.element, 'app-problems', {
        position: { top: -10, right: 10 }, html: badge
      }))
    })
    document.getElementById('problems-count').textContent = problems.length + ' problem(s), ' + onDiagram +
      ' marked on the diagram. Select one to go to its step.'
    summary.hidden = false
    summary.focus()
  }

  function send (url) {
    return state.modeler.saveXML({ format: true }).then(function (result) {
      return fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/xml', 'X-CSRFToken': root.getAttribute('data-csrf') },
        body: result.xml
      })
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body } })
    })
  }

  function busy (flag) {
    document.getElementById('validate-button').disabled = flag
    document.getElementById('deploy-button').disabled = flag
  }

  function validate () {
    busy(true)
    say('Checking the diagram…')
    return send(root.getAttribute('data-validate-url')).then(function (reply) {
      showProblems(reply.body.problems || [])
      say(reply.body.ok ? 'No problems: the diagram can be deployed.' : '')
    }).catch(function (err) { say('The check could not run: ' + err) }).then(function () { busy(false) })
  }

  function deploy () {
    busy(true)
    say('Deploying…')
    return send(root.getAttribute('data-deploy-url')).then(function (reply) {
      var body = reply.body
      if (!body.ok) {
        showProblems(body.problems || [])
        say('Nothing was deployed.')
        return
      }
      clearProblems()
      state.deployed = body
      if (body.created) {
        say('Deployed as version ' + body.version + '.')
        window.location.assign(body.versions_url)
      } else {
        say('Nothing changed: this diagram is version ' + body.version + ' already.')
      }
    }).catch(function (err) { say('Deploy failed: ' + err) }).then(function () { busy(false) })
  }

  fetch(root.getAttribute('data-moddle-url'), { credentials: 'same-origin' }).then(json).then(function (camunda) {
    state.modeler = new BpmnJS({
      container: '#modeller-canvas',
      propertiesPanel: { parent: '#modeller-properties' },
      additionalModules: [panel.BpmnPropertiesPanelModule, panel.BpmnPropertiesProviderModule,
        panel.CamundaPlatformPropertiesProviderModule],
      moddleExtensions: { camunda: camunda }
    })
    return fetch(root.getAttribute('data-diagram-url'), { credentials: 'same-origin' })
  }).then(function (response) { return response.text() }).then(function (xml) {
    return state.modeler.importXML(xml)
  }).then(function (result) {
    var canvas = state.modeler.get('canvas')
    // Open readable, the diagram starting to the right of the palette rather than under it.
    var start = function () { window.AppDiagram.startView(canvas, paletteRight()) }
    start()
    state.zoom = window.AppDiagram.controls(state.modeler, document.getElementById('modeller-toolbar'), start, state)
    state.warnings = (result.warnings || []).map(function (w) { return w.message })
    document.getElementById('validate-button').addEventListener('click', validate)
    document.getElementById('deploy-button').addEventListener('click', deploy)
    state.validate = validate
    state.deploy = deploy
    state.ready = true
  }).catch(function (err) {
    state.error = String(err && err.message || err)
    say('The modeller could not open the diagram: ' + state.error)
  })
})()
