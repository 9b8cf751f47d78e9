// GOV.UK Frontend's components (error summary focus, radios, notification banners ...).
import { initAll } from '/assets/govuk-frontend.min.js'

initAll()
