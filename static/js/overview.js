// Admin Overview: the 7-day chart of sent and failed messages, one stacked bar per channel,
// drawn from the JSON the page carries (a <script type="application/json"> block: data
// only, allowed by the CSP). A click on a bar opens the log of that channel, result and day.
(function () {
  var canvas = document.getElementById('overview-daily');
  var source = document.getElementById('overview-daily-data');
  if (!canvas || !source || typeof window.Chart === 'undefined') { return; }
  var data = JSON.parse(source.textContent);
  // Sent in the channel's colour, failed in a red of its own shade: the legend tells the
  // channels' failures apart, the stacks already sit side by side per channel.
  var sent = { sms: '13, 110, 253', email: '25, 135, 84', insite: '111, 66, 193', wechat: '32, 201, 151' };
  var failed = { sms: '220, 53, 69', email: '176, 42, 55', insite: '234, 134, 143', wechat: '132, 32, 41' };
  var datasets = data.datasets.map(function (set) {
    var rgb = (set.status === 'failed' ? failed : sent)[set.channel] || '108, 117, 125';
    return {
      label: set.label, data: set.data, stack: set.stack, links: set.links,
      backgroundColor: 'rgba(' + rgb + ', ' + (set.status === 'failed' ? 0.75 : 0.65) + ')'
    };
  });
  new window.Chart(canvas, {
    type: 'bar',
    data: { labels: data.labels, datasets: datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      onClick: function (event, elements, chart) {
        if (!elements.length) { return; }
        var hit = elements[0];
        window.location.href = chart.data.datasets[hit.datasetIndex].links[hit.index];
      },
      onHover: function (event, elements) {
        event.native.target.style.cursor = elements.length ? 'pointer' : 'default';
      },
      plugins: { legend: { position: 'bottom' } },
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
