// GOV.UK Frontend's components (error summary focus, radios, notification banners ...).
import { initAll } from '/assets/govuk-frontend.min.js'

initAll()

// A choice from the organisations register is a plain <select> (it works without JavaScript); with it,
// GOV.UK's accessible-autocomplete turns the select into a text box that suggests the register's names
// as you type. Its script and styles are fetched only by a page that has such a choice.
const registerChoices = document.querySelectorAll('select[data-module="organisation-autocomplete"]')
if (registerChoices.length) {
  const base = '/vendor/accessible-autocomplete/'
  const css = document.createElement('link')
  css.rel = 'stylesheet'
  css.href = base + 'accessible-autocomplete.min.css'
  document.head.appendChild(css)
  const script = document.createElement('script')
  script.src = base + 'accessible-autocomplete.min.js'
  script.onload = () => registerChoices.forEach(enhanceChoice)
  document.head.appendChild(script)
}

function enhanceChoice (select) {
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: '',
    showAllValues: true,
    // A name typed but not chosen leaves no choice behind: the form then says the field is required.
    onConfirm: (text) => {
      const option = [...select.options].find(o => o.textContent === text)
      if (option) option.selected = true
      else if (text === undefined && !document.getElementById(select.id.replace(/-select$/, '')).value) select.value = ''
    },
    tNoResults: () => 'No organisation of that name in the register'
  })
}
