// The parts of echarts Orrery draws with, and nothing else: the full build is ~1 MB, this is
// the line chart on a grid with tooltips, brushing and marks, on canvas.
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import { BrushComponent, GridComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, type BrushComponentOption, type GridComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use as registerParts, type ComposeOption, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

registerParts([LineChart, GridComponent, TooltipComponent, BrushComponent, MarkLineComponent, MarkAreaComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption | BrushComponentOption>;
export type { ECharts, LineSeriesOption };
export { init };
