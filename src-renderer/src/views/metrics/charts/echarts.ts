// The parts of echarts Orrery draws with, and nothing else: the full build is ~1 MB, this is
// the line chart on a grid with tooltips and marks, on canvas.
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, type GridComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use as registerParts, type ComposeOption, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

registerParts([LineChart, GridComponent, TooltipComponent, MarkLineComponent, MarkAreaComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption>;
export type { ECharts, LineSeriesOption };
export { init };
