// The print button: the browser's own print, offered only where scripts run (the hint says how otherwise).
(function () {
  document.querySelectorAll('[data-app-print]').forEach(function (button) {
    button.hidden = false
    button.addEventListener('click', function () { window.print() })
  })
  document.querySelectorAll('[data-app-print-hint]').forEach(function (hint) { hint.hidden = true })
})()
