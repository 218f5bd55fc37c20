export { renderSemesterReportPdf } from './semester-report.pdf';
export { renderSemesterReportXlsx } from './semester-report.xlsx';
export { renderSemesterReportCsv } from './semester-report.csv';
export { renderBupatiSummaryPdf } from './bupati-summary.pdf';
export { renderBupatiSummaryXlsx } from './bupati-summary.xlsx';
