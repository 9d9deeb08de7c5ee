// The Svelte component of each card component type (docs/format.md §10). Built on
// first use: the container components import Component.svelte, which imports
// this module, and a map built at load time could meet them half-evaluated.

import type { Component as SvelteComponent } from 'svelte';
import Artifacts from './components/Artifacts.svelte';
import Dag from './components/Dag.svelte';
import EventsTimeline from './components/EventsTimeline.svelte';
import Heading from './components/Heading.svelte';
import Image from './components/Image.svelte';
import Log from './components/Log.svelte';
import Markdown from './components/Markdown.svelte';
import Page from './components/Page.svelte';
import ProgressBar from './components/ProgressBar.svelte';
import PythonCode from './components/PythonCode.svelte';
import Section from './components/Section.svelte';
import Subtitle from './components/Subtitle.svelte';
import Table from './components/Table.svelte';
import Text from './components/Text.svelte';
import Title from './components/Title.svelte';
import ValueBox from './components/ValueBox.svelte';
import JsonViewer from './components/JsonViewer.svelte';
import YamlViewer from './components/YamlViewer.svelte';
import VegaChart from './vega/VegaChart.svelte';
import type { Comp, KnownType } from './types';

export interface ViewProps {
  node: Comp;
  /** Inside a table cell: a denser rendering. */
  compact?: boolean;
}

type View = SvelteComponent<ViewProps>;
let map: Record<KnownType, View> | null = null;

export function viewFor(type: string): View | undefined {
  map ??= {
    page: Page,
    section: Section,
    title: Title,
    subtitle: Subtitle,
    text: Text,
    heading: Heading,
    markdown: Markdown,
    table: Table,
    image: Image,
    artifacts: Artifacts,
    dag: Dag,
    log: Log,
    pythonCode: PythonCode,
    progressBar: ProgressBar,
    valueBox: ValueBox,
    vegaChart: VegaChart,
    eventsTimeline: EventsTimeline,
    jsonViewer: JsonViewer,
    yamlViewer: YamlViewer,
  };
  return Object.hasOwn(map, type) ? map[type as KnownType] : undefined;
}
