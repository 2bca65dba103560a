/**
 * The project's one zod entry point: zod/mini keeps Lambda bundles small (classic zod adds ~440 KB),
 * and the English locale gives readable messages for the `details` of a 400. Import it as a namespace
 * (`import * as z from "./zod"`): esbuild then keeps only the schema builders actually used, where a
 * re-exported namespace object would pull in all of zod, every locale included.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
