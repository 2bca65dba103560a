/**
 * The project's one zod entry point: zod/mini keeps Lambda bundles small (classic zod adds ~440 KB),
 * and the English locale gives readable messages for the `details` of a 400.
 */

import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

z.config(en());

export { z };
