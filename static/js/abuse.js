// System → Abuse: draw the requests-per-hour chart from the JSON the page carries
// (a <script type="application/json"> block: data only, allowed by the CSP).
(function () {
  var canvas = document.getElementById('abuse-hourly');
  var source = document.getElementById('abuse-hourly-data');
  if (!canvas || !source || typeof window.Chart === 'undefined') { return; }
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: data.labels,
      datasets: [{ label: data.label, data: data.counts, backgroundColor: 'rgba(13, 110, 253, 0.6)' }]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
