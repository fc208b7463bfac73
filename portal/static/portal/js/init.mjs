// Starts the GOV.UK Frontend components (error summary, service navigation, notification
// banners, ...) found on the page. Loaded with <script type="module"> from base.html;
// ../govuk/govuk-frontend.min.js is copied there by scripts/build_assets.sh.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
