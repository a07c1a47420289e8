/**
 * Topic sentences: 400 short English sentences, 100 per class, written for Netwright and
 * dedicated to the public domain (CC0 1.0; see LICENSE.md beside this file). One sentence per
 * line of each class's text below; ASCII only.
 */

/** Class names in class-id order (id 0 = weather, …). */
export const TOPIC_CLASSES = ['weather', 'food', 'sport', 'computers'] as const;

const WEATHER = `
Heavy rain is expected across the valley tonight.
The morning fog should lift before noon.
A cold front will bring snow to the hills on Tuesday.
Temperatures will climb to thirty degrees this afternoon.
Strong winds knocked down branches along the coast.
The forecast calls for sunshine and a light breeze.
Thunderstorms may develop late in the evening.
Frost covered the fields at dawn.
The humidity made the hot day feel even warmer.
Light drizzle will continue through the weekend.
A hurricane warning was issued for the islands.
Clouds will build over the mountains after lunch.
The wind will turn to the north overnight.
Expect scattered showers and bright spells tomorrow.
The river rose after a week of steady rain.
Snowfall totals reached twenty centimetres in the north.
The heat wave is set to break on Friday.
Hail the size of marbles fell in the storm.
A gentle breeze kept the beach cool.
Skies will clear by the afternoon.
Freezing rain made the roads slippery this morning.
The barometer is falling, so a storm is coming.
Overnight lows will drop below zero.
A rainbow appeared after the shower passed.
Dry weather will continue for the rest of the month.
The monsoon rains arrived two weeks early.
Gusts of wind rattled the windows all night.
The sky turned dark grey before the downpour.
Tomorrow will be mild with a few clouds.
A blizzard closed the mountain pass.
Sunny spells will alternate with passing showers.
The temperature dropped sharply after sunset.
Mist hung over the lake in the early hours.
A warm southerly wind melted the snow.
The drought has left the reservoirs half empty.
Lightning struck a tree near the farm.
Rain is likely in the west, dry in the east.
The spring has been colder than usual.
A tornado touched down outside the town.
The weekend looks bright and warm.
Sleet will turn to snow as the night gets colder.
Cloud cover will keep the night frost away.
Winds of up to eighty kilometres an hour are forecast.
The summer was the wettest on record.
Morning frost will give way to a sunny day.
Humid air from the south will bring thunder.
The snow line will fall to five hundred metres.
Patchy fog will make driving difficult at dawn.
A high pressure system will bring calm weather.
The storm moved out to sea during the night.
Rain showers will be heavy at times.
The autumn leaves blew away in the gale.
Clear skies mean a chilly night ahead.
The weather service expects a dry and windy week.
Ice formed on the puddles overnight.
Warm sunshine will last until Thursday.
The clouds parted and the sun came out.
Flooding closed several roads after the rain.
The wind chill makes it feel like minus ten.
A light frost is possible in sheltered valleys.
Showers will die out in the evening.
The coast will be windy with rough seas.
The hottest day of the year is expected tomorrow.
Drizzle and low cloud will linger on the hills.
Snow will settle on higher ground tonight.
A sea breeze will keep coastal towns cooler.
The rain gauge collected ten millimetres overnight.
Thick cloud will bring a dull and damp day.
Temperatures will be well above average for May.
A squall line crossed the plains at midnight.
The air feels fresh after the storm.
Heavy snow caused delays at the airport.
The dry spell ended with a sudden downpour.
Warm nights made it hard to sleep.
The forecast warns of black ice on bridges.
Sunshine will be hazy because of high cloud.
A weak front will bring a little rain in the north.
The wind dropped and the sea became calm.
Rain will spread from the west during the afternoon.
It was a bright and frosty winter morning.
The typhoon weakened as it reached land.
Fog banks will roll in from the ocean tonight.
The temperature stayed below freezing all day.
Scattered clouds will drift across a blue sky.
Hot and dry conditions raise the risk of wildfires.
A stormy night is ahead for the northern coast.
The snow melted quickly in the spring sunshine.
Cool air will follow the thunderstorms.
Expect a wet start and a dry finish to the day.
The wind howled through the valley all afternoon.
Drizzle will clear to leave a pleasant evening.
The barometer rose and the clouds broke up.
Frost and fog will slow the morning traffic.
The rainy season usually starts in October.
A heat warning is in place for the city.
Snow showers will be frequent on the mountains.
The day will turn cloudy with rain by evening.
Calm and clear weather is perfect for stargazing.
Gale force winds are expected on the islands.
The mild winter brought very little snow.
`;

const FOOD = `
Slice the onions thinly and fry them in butter.
The soup needs a pinch more salt.
She baked a loaf of bread with whole wheat flour.
Add the garlic and stir for one minute.
The restaurant serves fresh fish every Friday.
Whisk the eggs with sugar until pale.
This curry is spicy but full of flavour.
Roast the vegetables in a hot oven for half an hour.
He ordered a bowl of noodles and a cup of tea.
The cake was soft and moist inside.
Season the steak with pepper before grilling.
We had pancakes with honey for breakfast.
Simmer the sauce until it thickens.
The salad was crisp with a lemon dressing.
Knead the dough for ten minutes.
Chocolate chip cookies are best warm.
The market sells ripe tomatoes and fresh herbs.
Boil the pasta in plenty of salted water.
A good stew needs time to cook slowly.
The chef topped the pizza with basil leaves.
Melt the butter in a small pan.
Rice should rest for a few minutes after cooking.
Grate some cheese over the warm potatoes.
This apple pie has a buttery crust.
Marinate the chicken overnight in yogurt and spices.
The bakery opens early for fresh croissants.
Chop the parsley and sprinkle it on top.
The dessert menu includes ice cream and fruit tart.
Fry the rice with peas and a little soy sauce.
Her lentil soup is warm and filling.
Peel the carrots and cut them into sticks.
The sandwich had ham, cheese and pickles.
Stir the porridge so it does not stick.
The spices give the dish a smoky taste.
Beat the cream until it forms soft peaks.
Dinner was grilled salmon with new potatoes.
Toast the bread and spread it with jam.
The dumplings were filled with pork and cabbage.
Let the dough rise in a warm place.
Squeeze a lemon over the fried fish.
The cafe makes a strong coffee and sweet buns.
Cook the mushrooms until they turn golden.
Mash the beans with olive oil and garlic.
The pudding is flavoured with vanilla and cinnamon.
Cut the butter into the flour with your fingers.
Fresh mint makes the drink taste cool.
The burger came with crispy fries.
Add a spoon of honey to the dressing.
Bake the muffins until a toothpick comes out clean.
The kitchen smelled of roasting garlic.
Serve the curry with rice and flatbread.
Sweet corn tastes best straight from the grill.
The omelette was filled with spinach and cheese.
Sift the flour before adding it to the batter.
The waiter brought bread and olive oil.
Steam the broccoli for four minutes.
Pour the batter into a greased tin.
The fruit salad had mango, melon and grapes.
Slow cooked beef falls apart with a fork.
Sprinkle sugar on the berries and leave them to soak.
The noodle soup was rich and salty.
Chill the dough before rolling it out.
A squeeze of lime brightens the tacos.
The cheese board had brie, cheddar and figs.
Fry the onions until soft and sweet.
He made a tomato sauce from scratch.
The lemonade was too sour without more sugar.
Bread tastes best on the day it is baked.
Toss the pasta with pesto and pine nuts.
The roast chicken had crisp golden skin.
Dice the peppers and add them to the pan.
Brown sugar gives the cookies a chewy texture.
The breakfast buffet had eggs, bacon and toast.
Stir in the cream at the end of cooking.
The pastry chef decorated the cake with berries.
Cook the lentils until they are tender.
Warm milk and honey help me sleep.
A pinch of nutmeg lifts the cheese sauce.
The stew was thick with beans and carrots.
Drain the potatoes and mash them with butter.
The cook tasted the sauce and added pepper.
Freshly baked bread filled the kitchen with its smell.
Spread the icing once the cake has cooled.
The pickles were sharp and crunchy.
Fill the peppers with rice and minced meat.
The lunch special is a bowl of tomato soup.
Scrape the seeds out of the pumpkin before roasting.
Our favourite snack is popcorn with a little salt.
The jam is made from wild strawberries.
Cook the eggs for six minutes for a soft yolk.
The tea was served with milk and biscuits.
Fold the cheese into the hot rice.
The barbecue ribs were sticky and sweet.
Cut the cake into eight equal slices.
The soup is thickened with a little flour.
He likes his toast with butter and marmalade.
Grill the halloumi until it has dark stripes.
Crushed nuts add crunch to the salad.
The pie filling was apples and raisins.
Leave the stock to simmer for two hours.
`;

const SPORT = `
The striker scored twice in the second half.
Our team won the match by three goals.
The referee showed a red card to the defender.
She ran the marathon in under three hours.
The tennis final went to five sets.
The goalkeeper saved a penalty in the last minute.
He hit a home run in the ninth inning.
The cyclists climbed the mountain stage in the rain.
The coach picked a young player for the final.
The swimmer broke the world record in the relay.
Fans cheered as the team lifted the trophy.
The match was postponed because the pitch was flooded.
She served an ace to win the championship.
The boxer won on points after twelve rounds.
The club signed a new midfielder this summer.
The race was decided by a photo finish.
The captain scored a try just before half time.
He threw the javelin over eighty metres.
The league season starts next weekend.
The batsman hit six boundaries in one over.
Our runners trained on the track every morning.
The game went into extra time after a late equaliser.
The skier crashed on the final downhill run.
The basketball team scored a hundred points.
A hat trick from the winger sealed the victory.
The golfer sank a long putt on the last hole.
The stadium was full for the derby.
The team lost the semi final on penalties.
She jumped two metres in the high jump.
The rowing crew won the race by a length.
The manager was sacked after five defeats.
The wrestler pinned his opponent in the first round.
The quarterback threw a pass into the end zone.
Our hockey team beat the champions at home.
The sprinter false started and was disqualified.
The players warmed up before the kick off.
The championship was decided on the last day of the season.
He scored the winning goal with a header.
The umpire called the ball out.
The climber reached the summit in record time.
The volleyball team won three sets in a row.
The home side defended well and kept a clean sheet.
She won a gold medal in the long jump.
The transfer fee was the highest in club history.
The pitcher struck out ten batters.
The race car lost a wheel on the last lap.
The team practised corners and free kicks.
He finished the triathlon in fourth place.
The crowd booed the decision of the referee.
The tournament starts with a group stage.
The player was injured and left the field.
The bowler took five wickets in the innings.
Our school won the football cup this year.
The fighter trained for months for the title bout.
The relay team dropped the baton on the last leg.
The midfielder passed the ball to the striker.
The Olympic games will open in the summer.
She beat the top seed in straight sets.
The team scored in the first minute of the game.
The cyclist attacked on the final climb and won the stage.
Tickets for the final sold out in an hour.
The defender cleared the ball off the line.
He set a personal best in the hundred metres.
The club fired the coach after a poor season.
The athletes marched into the stadium.
Our team needs one more win to reach the playoffs.
The goal was ruled offside by the assistant referee.
The gymnast scored a perfect ten on the beam.
The marathon route passes through the old town.
The rugby match ended in a draw.
The tennis player broke her opponent's serve.
The league table shows us in second place.
The striker missed an open goal.
The ski jumper flew over one hundred metres.
The match kicked off at three in the afternoon.
The swimmer touched the wall first in the final.
Fans waved flags and sang songs in the stands.
The point guard made a buzzer beater to win.
The team celebrated the title in the dressing room.
He won the race after overtaking on the last bend.
The coach changed tactics at half time.
The players shook hands after the game.
The runner collapsed just before the finish line.
The team scored a late goal to stay in the cup.
She holds the national record for the mile.
The keeper punched the ball over the bar.
The cricket match was stopped for bad light.
The team trained twice a day before the tournament.
He served for the match and held his nerve.
The referee added five minutes of injury time.
The new signing scored on his debut.
The crowd rose as the horses reached the finish.
Our goalkeeper was named player of the match.
The club will play in the cup final in May.
The skater landed a triple jump cleanly.
The team's winning run ended at ten games.
The fans travelled across the country for the away game.
She won the sprint by a tenth of a second.
The coach praised the team's defence after the win.
The players lifted the cup in front of their fans.
`;

const COMPUTERS = `
Restart the computer to finish installing the update.
The program crashed when I opened the file.
Save your work before closing the editor.
The laptop has sixteen gigabytes of memory.
This function returns a list of numbers.
The server was down for maintenance last night.
Install the driver for the new printer.
The compiler reported an error on line ten.
Back up your files to an external drive.
The website loads slowly on old phones.
He wrote a script to rename the files.
The database stores every order as a row.
Press the key to open the terminal.
The keyboard stopped working after the update.
The new processor has eight cores.
A bug in the code caused the crash.
The app asks for a password at start up.
Copy the folder to the shared drive.
The network cable was unplugged from the router.
The screen flickers when the laptop is charging.
She fixed the bug and pushed the change.
The browser blocked the pop up window.
Download the latest version from the website.
The hard disk is almost full.
Type the command and press enter.
The software licence expires next month.
The function takes two arguments and returns their sum.
The tablet connects to the internet over wifi.
The operating system needs a security patch.
He upgraded the graphics card for faster games.
The email server rejected the attachment.
Compile the code before running the tests.
The mouse pointer froze on the screen.
The cloud service syncs files between devices.
A virus infected several computers in the office.
The program reads the data from a text file.
Clear the cache if the page looks wrong.
The backup finished without errors.
The laptop battery lasts about six hours.
Open the settings to change the screen resolution.
The loop runs once for every item in the list.
The firewall blocks traffic on unused ports.
The printer is out of paper again.
The developer added a test for the new feature.
The router restarts every night at midnight.
This variable holds the name of the user.
Log in with your username and password.
The monitor supports a high refresh rate.
The code review found three small problems.
The file was too large to upload.
He installed a new version of the operating system.
The server logs show an error every hour.
Use a strong password for every account.
The spreadsheet calculates the totals automatically.
The robot is controlled by a small computer.
The program uses less memory after the fix.
The phone app crashed after the update.
Connect the cable to the port at the back.
The software runs on both phones and laptops.
A new chip makes the computer twice as fast.
She wrote the web page in plain text and code.
The disk drive makes a clicking noise.
Delete the old files to free up space.
The class has a method for each action.
The internet connection dropped during the call.
The program prints a message when it finishes.
Encrypt the drive to protect your data.
The laptop fan gets loud under heavy load.
The test suite runs every time code is pushed.
The cursor blinks at the end of the line.
The old computer still runs the accounting program.
Install the package with the command line tool.
The memory leak made the server slow down.
The touch screen responds to two fingers.
The programmer wrote comments to explain the code.
The update fixed a security hole in the browser.
The file is stored on a remote server.
The keyboard shortcut copies the selected text.
The machine boots in less than ten seconds.
The script runs every night to clean the logs.
The network is slow because of a large download.
The laptop screen cracked when it fell.
The compiler turns source code into machine code.
Restart the router if the wifi is slow.
The program asks the user to enter a number.
The data centre holds thousands of servers.
The login page shows an error for wrong passwords.
The new version adds a dark mode to the app.
He formatted the disk and reinstalled everything.
The function is called from the main loop.
The game runs smoothly on the new graphics card.
The software was written in a popular language.
The phone syncs contacts with the cloud.
The error message says the file cannot be found.
The office upgraded all computers to the new system.
The script converts the images to a smaller size.
The website stores cookies in the browser.
The tablet needs an update before the app will run.
The program sorts the names in alphabetical order.
The engineer replaced the broken memory module.
`;

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);

/**
 * All sentences as `[class id, text]`, class by class in the order above (weather, food, sport,
 * computers), each class's sentences in their written order.
 */
export const TOPIC_SENTENCES: readonly (readonly [number, string])[] = [
  WEATHER,
  FOOD,
  SPORT,
  COMPUTERS,
].flatMap((text, label) => lines(text).map((s) => [label, s] as const));
