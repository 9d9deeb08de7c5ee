// The offline export's renderer: reads the comparison the Go side embedded
// (a JSON script element; compare/export.go), applies each card's runtime
// data and builds the ValueBox rows as the page does (data.ts), and draws it
// with the app's own native card views and Vega. No network, no card
// JavaScript.

import { mount } from 'svelte';
import '../app.css';
import ExportPage from './ExportPage.svelte';
import { readExport } from './data';

const target = document.getElementById('app');
if (target) mount(ExportPage, { target, props: { data: readExport(document) } });
